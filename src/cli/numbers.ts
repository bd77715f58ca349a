import { z } from 'zod';
import { ConfigError } from '../config.js';
import { E164 } from '../domain/customer.js';
import { AppError, notFound } from '../domain/errors.js';
import { parse } from '../http/validate.js';
import { createTwilioClient } from '../twilio/client.js';
import { errorSummary } from '../twilio/errors.js';
import { webhookUrls } from '../twilio/webhookUrls.js';
import { LANGUAGES } from '../../voice-flows/prompts/index.js';
import { commandGroup, emit, readArgs, UsageError, type Command } from './command.js';
import { iso } from './ids.js';

// The admin API's rules (PUT /api/numbers/:e164), with the flags the operator typed as field names.
const phoneNumber = z.string().regex(E164, 'must be an E.164 phone number such as +14155550100');
const setInput = z.object({ number: phoneNumber, '--language': z.enum(LANGUAGES as [string, ...string[]]) });
const webhookBase = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://hotline.example.com' })
  .refine((v) => !/[?#]/.test(v), 'must have no query or #fragment (connection overrides come from HOTLINE_TWILIO_CONNECTION_OVERRIDES)')
  .transform((v) => v.replace(/\/+$/, ''));
const wireInput = z.object({ number: phoneNumber, '--base-url': webhookBase, '--fallback-url': z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional() });

const list: Command = {
  summary: 'list the line\'s numbers and the language each answers in',
  usage: ['usage: hotline numbers list [--json]', '', 'A number not listed answers in en-US.'].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'numbers list', positionals: [] });
    const numbers = await (await ctx.hotline()).store.numbers.list();
    const items = numbers.map((n) => ({ e164: n.e164, language: n.language, updatedAt: iso(n.updatedAt)! }));
    emit(ctx, a.json, { items }, () =>
      items.length === 0
        ? 'No numbers set: every number answers in en-US. Set one with: hotline numbers set +E164 --language ja-JP'
        : items.map((n) => `${n.e164.padEnd(16)} ${n.language.padEnd(6)} set ${n.updatedAt}`).join('\n'),
    );
  },
};

const set: Command = {
  summary: 'set the language a number answers in',
  usage: [
    `usage: hotline numbers set +E164 --language ${LANGUAGES.join('|')} [--json]`,
    '',
    'Callers to the number hear its prompts in that language from their next call.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'numbers set', positionals: ['+E164'], options: { language: { type: 'string' } } });
    if (a.string('language') === undefined) throw new UsageError('missing --language', 'hotline numbers set --help');
    const input = parse(setInput, { number: a.positionals[0], '--language': a.string('language') });
    const hotline = await ctx.hotline();
    await hotline.store.numbers.setLanguage(input.number, input['--language'], hotline.clock.now());
    emit(ctx, a.json, { e164: input.number, language: input['--language'] }, () => `${input.number} answers in ${input['--language']}.`);
  },
};

const wire: Command = {
  summary: "point a Twilio number's voice URL, fallback URL and status callback at the hotline",
  usage: [
    'usage: hotline numbers wire +E164 --base-url URL [--fallback-url URL] [--json]',
    '',
    'Finds the number in the Twilio account (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN) and sets, with HTTP POST:',
    '  A call comes in          URL/voice/incoming (with HOTLINE_TWILIO_CONNECTION_OVERRIDES, if set)',
    '  Primary handler fails    --fallback-url, else URL/voice/fallback (better hosted elsewhere: README, Runbook)',
    '  Call status changes      URL/voice/status',
    'URL must be PUBLIC_BASE_URL as Twilio reaches it: webhooks are signed over it.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, {
      command: 'numbers wire',
      positionals: ['+E164'],
      options: { 'base-url': { type: 'string' }, 'fallback-url': { type: 'string' } },
    });
    if (a.string('base-url') === undefined) throw new UsageError('missing --base-url', 'hotline numbers wire --help');
    const input = parse(wireInput, { number: a.positionals[0], '--base-url': a.string('base-url'), '--fallback-url': a.string('fallback-url') });
    const config = ctx.loadConfig();
    const client = createTwilioClient(config);
    if (!client) throw new ConfigError('numbers wire needs the Twilio account: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
    const base = input['--base-url'];
    if (base !== config.publicBaseUrl) {
      // Not refused: the operator may be wiring a number before the server's PUBLIC_BASE_URL changes.
      ctx.stderr.write(`hotline: warning: --base-url ${base} differs from PUBLIC_BASE_URL ${config.publicBaseUrl}; the server checks webhook signatures over PUBLIC_BASE_URL\n`);
    }
    const webhookUrl = webhookUrls(base, config.connectionOverrides);
    const wanted = {
      voiceUrl: webhookUrl('/voice/incoming'),
      voiceMethod: 'POST',
      voiceFallbackUrl: input['--fallback-url'] ?? `${base}/voice/fallback`,
      voiceFallbackMethod: 'POST',
      statusCallback: webhookUrl('/voice/status'),
      statusCallbackMethod: 'POST',
    };
    const updated = await twilioStep('look up and update', async () => {
      const found = (await client.incomingPhoneNumbers.list({ phoneNumber: input.number, limit: 20 })).find((n) => n.phoneNumber === input.number);
      if (!found) throw notFound(`${input.number} in the Twilio account`);
      return client.incomingPhoneNumbers(found.sid).update(wanted);
    });
    const result = {
      e164: updated.phoneNumber,
      sid: updated.sid,
      voiceUrl: updated.voiceUrl,
      voiceMethod: updated.voiceMethod,
      voiceFallbackUrl: updated.voiceFallbackUrl,
      voiceFallbackMethod: updated.voiceFallbackMethod,
      statusCallback: updated.statusCallback,
      statusCallbackMethod: updated.statusCallbackMethod,
    };
    emit(ctx, a.json, result, () =>
      [
        `Wired ${result.e164} (${result.sid}):`,
        `  A call comes in          ${result.voiceMethod} ${result.voiceUrl}`,
        `  Primary handler fails    ${result.voiceFallbackMethod} ${result.voiceFallbackUrl}`,
        `  Call status changes      ${result.statusCallbackMethod} ${result.statusCallback}`,
      ].join('\n'),
    );
  },
};

/** Runs Twilio REST requests; a refusal or an unreachable API is one line naming what was tried. */
async function twilioStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof AppError) throw err;
    const { httpStatus, twilioCode, message } = errorSummary(err);
    const code = [httpStatus, twilioCode && `Twilio error ${twilioCode}`].filter(Boolean).join(', ');
    throw new Error(`Twilio did not ${what} the number${code ? ` (${code})` : ''}: ${message}`);
  }
}

/** `hotline numbers ...`: the line's phone numbers, their language, and their Twilio webhooks. */
export const numbersCommand = commandGroup('numbers', 'list numbers, set their language, wire them in Twilio', { list, set, wire });
