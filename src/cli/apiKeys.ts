import { z } from 'zod';
import { displayName } from '../domain/names.js';
import { API_KEY_SCOPES } from '../domain/storage/apiKeys.js';
import { apiKeyView } from '../http/api/apiKeys.js';
import { parse } from '../http/validate.js';
import { commandGroup, emit, readArgs, UsageError, type Command } from './command.js';

/** The API's rules for a new key, so the CLI and POST /api/api-keys refuse the same input. */
const createInput = z.strictObject({
  name: displayName,
  scope: z.enum(API_KEY_SCOPES, { message: "must be 'admin', 'dashboard' or 'read'" }),
});

const create: Command = {
  summary: 'create an API key with a scope; the key is printed once',
  usage: [
    'usage: hotline api-keys create --name NAME --scope admin|dashboard|read [--json]',
    '',
    'admin: everything HOTLINE_ADMIN_TOKEN may do. dashboard: for a vendor\'s dashboard backend: read',
    'one-time codes, manage authenticators and make panel sessions, for any customer, nothing else.',
    'read: GET requests only, one-time codes excepted. The key (hl_live_...) is shown now and never again:',
    'only its SHA-256 is stored.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'api-keys create', positionals: [], options: { name: { type: 'string' }, scope: { type: 'string' } } });
    for (const required of ['name', 'scope']) {
      if (a.string(required) === undefined) throw new UsageError(`missing --${required}`, 'hotline api-keys create --help');
    }
    const input = parse(createInput, { name: a.string('name'), scope: a.string('scope') });
    const hotline = await ctx.hotline();
    const created = await hotline.apiKeys.create(input);
    emit(ctx, a.json, { ...created, createdAt: new Date(created.createdAt).toISOString() }, () =>
      [
        `Created API key ${created.id} (${created.name}, scope ${created.scope}).`,
        '',
        `  ${created.key}`,
        '',
        'Copy it now: it is not stored and cannot be shown again. Send it as: Authorization: Bearer <key>',
      ].join('\n'),
    );
  },
};

const list: Command = {
  summary: 'list API keys: scope, prefix, last use, revoked (never the keys)',
  usage: 'usage: hotline api-keys list [--json]',
  async run(args, ctx) {
    const a = readArgs(args, { command: 'api-keys list', positionals: [] });
    const items = (await (await ctx.hotline()).apiKeys.list()).map(apiKeyView);
    emit(ctx, a.json, { items }, () => {
      if (items.length === 0) return 'No API keys yet: hotline api-keys create --name NAME --scope dashboard';
      const rows = [
        ['ID', 'SCOPE', 'PREFIX', 'LAST USED', 'REVOKED', 'NAME'],
        ...items.map((k) => [String(k.id), k.scope, `${k.prefix}...`, k.lastUsedAt ?? 'never', k.revokedAt ?? '-', k.name]),
      ];
      const widths = rows[0]!.slice(0, -1).map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      return rows.map((r) => r.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd()).join('\n');
    });
  },
};

const revoke: Command = {
  summary: 'revoke an API key: from now on it is refused (401), and so are the panel sessions it made',
  usage: 'usage: hotline api-keys revoke ID [--json]',
  async run(args, ctx) {
    const a = readArgs(args, { command: 'api-keys revoke', positionals: ['ID'] });
    const id = a.positionals[0]!;
    if (!/^[0-9]{1,9}$/.test(id) || Number(id) === 0) throw new UsageError('ID must be an API key number', 'hotline api-keys revoke --help');
    const key = apiKeyView(await (await ctx.hotline()).apiKeys.revoke(Number(id)));
    emit(ctx, a.json, key, () => `Revoked API key ${key.id} (${key.name}, scope ${key.scope}) at ${key.revokedAt}.`);
  },
};

/** `hotline api-keys ...`: keys with scopes for the admin API. */
export const apiKeysCommand = commandGroup('api-keys', 'create, list and revoke API keys with scopes', { create, list, revoke });
