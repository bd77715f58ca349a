import type { Customer } from '../domain/customer.js';
import { parseCustomerUpdate, parseNewCustomer } from '../domain/customerInput.js';
import { commandGroup, emit, readArgs, UsageError, type Command } from './command.js';

const MAX_PAGE = 500;

const add: Command = {
  summary: 'create a customer (the ID is generated unless given)',
  usage: [
    'usage: hotline customers add --name NAME --plan free|pro|business|enterprise',
    '                             [--tier standard|premium] [--phone +E164] [--id ID] [--json]',
    '',
    'Creates the customer and its dashboard-code secret. --tier applies to enterprise (default standard);',
    '--id must be 8 to 12 digits ending in a Luhn check digit.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, {
      command: 'customers add',
      positionals: [],
      options: { name: { type: 'string' }, plan: { type: 'string' }, tier: { type: 'string' }, phone: { type: 'string' }, id: { type: 'string' } },
    });
    const name = a.string('name');
    const plan = a.string('plan');
    if (name === undefined) throw new UsageError('missing --name', 'hotline customers add --help');
    if (plan === undefined) throw new UsageError('missing --plan', 'hotline customers add --help');
    // The same rules as the admin API, checked before the database is opened.
    const input = parseNewCustomer({ name, plan, tier: a.string('tier'), phone: a.string('phone'), customerId: a.string('id') });
    const customer = await (await ctx.hotline()).customers.create(input);
    emit(ctx, a.json, customer, () =>
      [`Created customer ${customer.customerId}.`, describe(customer), '', `Its 30-second code: hotline token ${customer.customerId}`].join('\n'),
    );
  },
};

const show: Command = {
  summary: 'show one customer',
  usage: 'usage: hotline customers show ID [--json]',
  async run(args, ctx) {
    const a = readArgs(args, { command: 'customers show', positionals: ['ID'] });
    const customer = await (await ctx.hotline()).customers.get(a.positionals[0]!);
    emit(ctx, a.json, customer, () => describe(customer));
  },
};

const list: Command = {
  summary: 'list customers by ID, a page at a time',
  usage: `usage: hotline customers list [--limit N (1-${MAX_PAGE}, default 50)] [--after ID] [--json]`,
  async run(args, ctx) {
    const a = readArgs(args, {
      command: 'customers list',
      positionals: [],
      options: { limit: { type: 'string' }, after: { type: 'string' } },
    });
    const limitText = a.string('limit') ?? '50';
    const limit = Number(limitText);
    if (!/^[0-9]+$/.test(limitText) || limit < 1 || limit > MAX_PAGE) {
      throw new UsageError(`--limit must be a whole number from 1 to ${MAX_PAGE}`, 'hotline customers list --help');
    }
    const items = await (await ctx.hotline()).customers.list({ limit, after: a.string('after') });
    // A full page may have a successor; the API pages the same way.
    const next = items.length === limit ? items.at(-1)!.customerId : null;
    emit(ctx, a.json, { items, next }, () => table(items, next));
  },
};

const update: Command = {
  summary: 'change name, plan, tier, status or phone',
  usage: [
    'usage: hotline customers update ID [--name NAME] [--plan PLAN] [--tier TIER]',
    '                                   [--status active|suspended] [--phone +E164] [--json]',
    '',
    "--phone '' removes the contact phone. A suspended customer's codes verify no call.",
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, {
      command: 'customers update',
      positionals: ['ID'],
      options: { name: { type: 'string' }, plan: { type: 'string' }, tier: { type: 'string' }, status: { type: 'string' }, phone: { type: 'string' } },
    });
    const phone = a.string('phone');
    const change = {
      name: a.string('name'),
      plan: a.string('plan'),
      tier: a.string('tier'),
      status: a.string('status'),
      phone: phone === '' ? null : phone,
    };
    if (Object.values(change).every((v) => v === undefined)) {
      throw new UsageError('name at least one of --name, --plan, --tier, --status, --phone', 'hotline customers update --help');
    }
    const customer = await (await ctx.hotline()).customers.update(a.positionals[0]!, parseCustomerUpdate(change));
    emit(ctx, a.json, customer, () => [`Updated customer ${customer.customerId}.`, describe(customer)].join('\n'));
  },
};

/** `hotline customers ...`: the accounts behind the hotline. */
export const customersCommand = commandGroup('customers', 'add, show, list and update customers', { add, show, list, update });

function describe(c: Customer): string {
  const rows: Array<[string, string]> = [
    ['customer ID', c.customerId],
    ['name', c.name],
    ['plan', c.tier ? `${c.plan} (${c.tier})` : c.plan],
    ['status', c.status],
    ['phone', c.phone ?? '-'],
    ['created', new Date(c.createdAt).toISOString()],
    ['updated', new Date(c.updatedAt).toISOString()],
  ];
  return rows.map(([k, v]) => `  ${k.padEnd(12)} ${v}`).join('\n');
}

function table(items: Customer[], next: string | null): string {
  if (items.length === 0) return 'No customers.';
  const lines = [['ID', 'PLAN', 'TIER', 'STATUS', 'NAME'], ...items.map((c) => [c.customerId, c.plan, c.tier ?? '-', c.status, c.name])];
  const widths = [12, 11, 9, 10];
  const body = lines.map((cells) => cells.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]!) : cell)).join(' ').trimEnd());
  if (next) body.push('', `More: hotline customers list --after ${next}`);
  return body.join('\n');
}
