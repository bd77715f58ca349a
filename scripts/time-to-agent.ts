/**
 * Time to agent: how long a verified P1 caller who listens to every prompt spends from answer to the
 * agent's phone ringing. Walks the real emergency flow (states, transitions, sayNode), speaks each
 * prompt with espeak-ng, measures it with sox, and adds the key presses and any Gather wait.
 *
 *   npm run time-to-agent            (needs: apt-get install -y espeak-ng sox)
 *
 * espeak-ng cannot read kanji, so Japanese prompts are spoken from their kana reading (the table
 * below, checked against the live prompt text) and also estimated from their length in morae.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Customer } from '../src/domain/customer.js';
import { luhnCheckDigit } from '../src/domain/customerId.js';
import type { AgentOffer, FlowEvent, Input, Say, World } from '../src/voice/flow.js';
import { sayNode } from '../src/voice/render.js';
import { emergencyFlow, type EmergencyContext } from '../voice-flows/emergency.js';
import type { Language } from '../voice-flows/prompts/index.js';

const KEY_PRESS_SECONDS = 0.4;
const TARGET_SECONDS = 28;
/** Typical Japanese TTS (Polly Mizuki, Google ja-JP) reads about 7.5 morae a second. */
const JA_MORAE_PER_SECOND = 7.5;
const ESPEAK_VOICE: Record<Language, string> = { 'en-US': 'en-us', 'ja-JP': 'ja' };
/** A valid 10-digit customer ID (Luhn check digit last), as customers have them. */
const CUSTOMER_ID = `492900001${luhnCheckDigit('492900001')}`;
const CODE = '123456';

/**
 * Kana readings of the Japanese prompts on the P1 path, keyed by the exact text they read. A prompt
 * whose text changed no longer matches: the script says so and falls back to a length estimate.
 */
const JA_READINGS: Record<string, string> = {
  '緊急サポート窓口です。': 'きんきゅうさぽーとまどぐちです。',
  '日本語は米印を押してください。': 'にほんごはこめじるしをおしてください。',
  'お客様IDと、シャープを押してください。': 'おきゃくさまあいでぃーと、しゃーぷをおしてください。',
  'ダッシュボードか認証アプリの、6桁のコードを入力してください。': 'だっしゅぼーどかにんしょうあぷりの、ろっけたのこーどをにゅうりょくしてください。',
  '確認できました。': 'かくにんできました。',
  'サイトの停止や攻撃は1、一部の地域は2、その他は3を押してください。':
    'さいとのていしやこうげきはいち、いちぶのちいきはに、そのたはさんをおしてください。',
  'エンジニアにおつなぎします。': 'えんじにあにおつなぎします。',
};

/** Morae in a kana reading: every kana but the small ones that merge with the one before; ー, っ and ん count. */
function moraeOf(kana: string): number {
  return [...kana].filter((c) => /[\u3041-\u3096\u30a1-\u30fa\u30fc]/.test(c) && !/[ぁぃぅぇぉゃゅょゎァィゥェォャュョヮ]/.test(c)).length;
}

/** A rough reading length for Japanese text without a reading: kanji about two morae, kana one, digits two. */
function roughMorae(text: string): number {
  let n = 0;
  for (const c of text) {
    if (/[\u4e00-\u9fff]/.test(c)) n += 2;
    else if (/[0-9A-Za-z]/.test(c)) n += 2;
    else if (/[\u3041-\u30fc]/.test(c) && !/[ぁぃぅぇぉゃゅょァィゥェォャュョ]/.test(c)) n += 1;
  }
  return n;
}

function speak(dir: string, language: Language, text: string, n: number): number {
  const wav = join(dir, `${n}.wav`);
  execFileSync('espeak-ng', ['-v', ESPEAK_VOICE[language], '-w', wav, text]);
  return Number(execFileSync('sox', ['--i', '-D', wav]).toString().trim());
}

interface Heard {
  /** The state whose TwiML plays this prompt. */
  state: string;
  key: string;
  language: Language;
  text: string;
  seconds: number;
  /** How the seconds were found. */
  how: 'espeak-ng' | 'espeak-ng (kana reading)' | 'estimate (morae)';
  /** For Japanese: the mora-based estimate as well. */
  estimate?: number;
}

interface Wait {
  state: string;
  what: string;
  seconds: number;
}

/** Key presses and the wait after the last one, from the Gather the state renders. */
function inputTime(state: string, input: Input, keys: string): Wait {
  if (input.kind !== 'digits') return { state, what: 'no input', seconds: 0 };
  const ended =
    input.finishOnKey !== '' && keys.endsWith(input.finishOnKey)
      ? `${input.finishOnKey} ends it at once`
      : input.numDigits !== undefined && keys.length >= input.numDigits
        ? `numDigits=${input.numDigits} ends it at once`
        : `then ${input.timeout} s of silence until the Gather times out`;
  const silence = ended.startsWith('then') ? input.timeout : 0;
  return { state, what: `${keys.length} key presses (${keys}); ${ended}`, seconds: keys.length * KEY_PRESS_SECONDS + silence };
}

/** Plays the verified P1 path of the real flow in one language. */
function walk(language: Language, dir: string): { heard: Heard[]; waits: Wait[]; warnings: string[] } {
  const agent: AgentOffer = { agentId: 1, phone: '+14155550001', languages: [language] };
  const world: World = {
    now: Date.now(),
    callStartedAt: Date.now(),
    callSid: `CA${'0'.repeat(32)}`,
    caller: '+14155550123',
    backupNumber: null,
    agentsFor: () => [agent],
    freeAgentsFor: () => [agent],
    incidents: () => [],
    newReference: () => '1234567',
    phoneOnFile: () => null,
    callbackCountries: () => new Set(['1']),
  };
  const customer: Customer = {
    customerId: CUSTOMER_ID,
    name: 'Example Corp',
    plan: 'enterprise',
    tier: 'premium',
    status: 'active',
    phone: null,
    createdAt: 0,
    updatedAt: 0,
  };
  // What the caller does in each state, and the event the engine hands the transition.
  const script: Record<string, { keys: string; event: FlowEvent }> = {
    askId: { keys: `${CUSTOMER_ID}#`, event: { type: 'digits', digits: CUSTOMER_ID } },
    askCode: {
      keys: CODE,
      event: { type: 'code', digits: CODE, verification: { verified: true, customer, factor: 'dashboard', failuresLastDay: 0 } },
    },
    askPriority: { keys: '1', event: { type: 'digits', digits: '1' } },
  };

  const heard: Heard[] = [];
  const waits: Wait[] = [];
  const warnings: string[] = [];
  let ctx: EmergencyContext = emergencyFlow.createContext({ language, caller: world.caller });
  let stateName = emergencyFlow.initial;
  let before: Say[] = [];
  for (let guard = 0; guard < 10; guard++) {
    const state = emergencyFlow.states[stateName]!;
    for (const say of [...before, ...state.say(ctx)]) {
      const node = sayNode(say, ctx.language);
      const spoken = String(node.attrs.language) as Language;
      const text = node.children.join('');
      heard.push(measure(dir, stateName, say.key, spoken, text, heard.length, warnings));
    }
    const input = state.input(ctx);
    const step = script[stateName];
    if (!step) {
      if (input.kind !== 'dial') throw new Error(`the P1 path reached ${stateName} (${input.kind}), not a Dial`);
      return { heard, waits, warnings }; // The Dial starts: the agent's phone rings.
    }
    waits.push(inputTime(stateName, input, step.keys));
    const t = state.on!(step.event, ctx, world);
    if (t.retry) throw new Error(`${stateName} asked again: the scripted answer was refused`);
    ctx = { ...ctx, ...t.context };
    before = t.say ?? [];
    stateName = t.to;
  }
  throw new Error('the P1 path did not reach a Dial');
}

function measure(dir: string, state: string, key: string, language: Language, text: string, n: number, warnings: string[]): Heard {
  if (language === 'en-US') return { state, key, language, text, seconds: speak(dir, language, text, n), how: 'espeak-ng' };
  const reading = JA_READINGS[text];
  if (!reading) {
    warnings.push(`no kana reading for ja-JP "${key}" (its text changed?): estimated from its length; add its reading to JA_READINGS`);
    const estimate = roughMorae(text) / JA_MORAE_PER_SECOND;
    return { state, key, language, text, seconds: estimate, how: 'estimate (morae)', estimate };
  }
  const estimate = moraeOf(reading) / JA_MORAE_PER_SECOND;
  return { state, key, language, text, seconds: speak(dir, language, reading, n), how: 'espeak-ng (kana reading)', estimate };
}

function report(language: Language, dir: string): number {
  const { heard, waits, warnings } = walk(language, dir);
  const prompts = heard.reduce((s, h) => s + h.seconds, 0);
  const input = waits.reduce((s, w) => s + w.seconds, 0);
  const total = prompts + input;
  const estimated = heard.reduce((s, h) => s + (h.estimate ?? h.seconds), 0) + input;
  console.log(`\n${language}: a caller who listens to every prompt`);
  for (const state of new Set(heard.map((h) => h.state))) {
    for (const h of heard.filter((x) => x.state === state)) {
      const extra = h.estimate !== undefined && h.how !== 'estimate (morae)' ? `  [estimate ${h.estimate.toFixed(1)} s]` : '';
      console.log(`  ${h.seconds.toFixed(1).padStart(5)} s  ${h.state}/${h.key} (${h.language}, ${h.how})${extra}: ${h.text}`);
    }
    for (const w of waits.filter((x) => x.state === state)) console.log(`  ${w.seconds.toFixed(1).padStart(5)} s  ${w.state}: ${w.what}`);
  }
  console.log(`  prompts ${prompts.toFixed(1)} s + input ${input.toFixed(1)} s = ${total.toFixed(1)} s to the agent's phone ringing (target ${TARGET_SECONDS} s: ${total <= TARGET_SECONDS ? 'met' : 'MISSED'})`);
  if (language === 'ja-JP') {
    console.log(`  estimate from the readings' length (${JA_MORAE_PER_SECOND} morae/s, typical Japanese TTS): ${estimated.toFixed(1)} s`);
  }
  const costly = [...heard].sort((a, b) => b.seconds - a.seconds).slice(0, 3);
  console.log(`  longest prompts: ${costly.map((h) => `${h.key} ${h.seconds.toFixed(1)} s`).join(', ')}`);
  for (const w of warnings) console.log(`  warning: ${w}`);
  return total;
}

const dir = mkdtempSync(join(tmpdir(), 'time-to-agent-'));
try {
  console.log(`Time to agent on the verified P1 path: espeak-ng at its default rate, ${KEY_PRESS_SECONDS} s per key press; the Dial's own setup time is not included.`);
  const totals = (['en-US', 'ja-JP'] as const).map((language) => report(language, dir));
  process.exitCode = totals.every((t) => t <= TARGET_SECONDS) ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
