import { createInterface } from 'node:readline/promises';
import { CALLBACK_OUTCOMES, isCallbackOutcome, OUTCOME_WORDS, type CallbackOutcome } from '../domain/callbackOutcomes.js';
import { conflict, notFound } from '../domain/errors.js';
import { OPEN_STATUSES, type CallbackNote, type CustomerTry, type DeskCallback, type DeskRefusal } from '../domain/storage/callbackDesk.js';
import type { CallbackStatus } from '../domain/storage/callbacks.js';
import { callbackView } from '../http/api/callbacks.js';
import type { Hotline } from '../hotline.js';
import { commandGroup, emit, readArgs, UsageError, type CliContext, type Command } from './command.js';
import { currentAgent, iso, numberArg } from './ids.js';

const STATUSES: readonly CallbackStatus[] = ['pending', 'dialing', 'connected', 'completed', 'failed', 'cancelled'];
const MAX_LIST = 1000;

const list: Command = {
  summary: 'list callbacks, earliest due first (open ones unless --status says otherwise)',
  usage: [
    `usage: hotline callbacks list [--status LIST|all] [--limit N (1-${MAX_LIST}, default 200)] [--json]`,
    '',
    `--status takes a comma-separated list of ${STATUSES.join(', ')}; the default is the callbacks still`,
    `owed (${OPEN_STATUSES.join(', ')}). The JSON is GET /api/callbacks's: times in ISO 8601, sla as of now.`,
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'callbacks list', positionals: [], options: { status: { type: 'string' }, limit: { type: 'string' } } });
    const statuses = parseStatuses(a.string('status'));
    const limitText = a.string('limit') ?? '200';
    const limit = Number(limitText);
    if (!/^[0-9]+$/.test(limitText) || limit < 1 || limit > MAX_LIST) {
      throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIST}`, 'hotline callbacks list --help');
    }
    const hotline = await ctx.hotline();
    const found = await hotline.store.callbacks.list({ limit, ...(statuses && { statuses }) });
    const now = hotline.clock.now();
    const items = found.map((c) => callbackView(c, now));
    emit(ctx, a.json, { items }, () => table(items));
  },
};

const show: Command = {
  summary: 'show one callback: its promise, who claimed it, notes and calls to the customer',
  usage: 'usage: hotline callbacks show ID [--json]',
  async run(args, ctx) {
    const a = readArgs(args, { command: 'callbacks show', positionals: ['ID'] });
    const id = numberArg(a.positionals[0], 'ID', 'callbacks show');
    const hotline = await ctx.hotline();
    const view = await detail(hotline, id);
    emit(ctx, a.json, view, () => describe(view));
  },
};

const claim: Command = {
  summary: 'claim an open callback for an agent (the console\'s Claim)',
  usage: [
    'usage: hotline callbacks claim ID --agent AGENT_ID [--take-over] [--json]',
    '',
    'The callback is marked as the agent\'s: other agents see who is on it. A callback another agent has',
    'claimed is refused unless --take-over is given.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'callbacks claim', positionals: ['ID'], options: { agent: { type: 'string' }, 'take-over': { type: 'boolean' } } });
    const id = numberArg(a.positionals[0], 'ID', 'callbacks claim');
    const agentId = numberArg(a.string('agent'), '--agent', 'callbacks claim');
    const takeOver = args.includes('--take-over');
    const hotline = await ctx.hotline();
    const agent = await currentAgent(hotline, agentId);
    const now = hotline.clock.now();
    refuseOn(await hotline.store.desk.claim(id, agent.agentId, now, { takeOver }), id, await hotline.store.desk.get(id), 'claimed');
    const view = await detail(hotline, id);
    emit(ctx, a.json, view, () => `Callback ${id} (${view.reference}) claimed by ${agent.name} (agent ${agent.agentId}).`);
  },
};

const complete: Command = {
  summary: 'complete a callback with its outcome: reached, unreachable or duplicate',
  usage: [
    'usage: hotline callbacks complete ID --agent AGENT_ID [--outcome reached|unreachable|duplicate] [--json]',
    '',
    `Closes the callback: the dialer stops trying. --outcome says what became of it (${CALLBACK_OUTCOMES.map((o) => `${o}: ${OUTCOME_WORDS[o]}`).join('; ')}).`,
    'At a terminal it is asked for when not given; in a script it is required.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'callbacks complete', positionals: ['ID'], options: { agent: { type: 'string' }, outcome: { type: 'string' } } });
    const id = numberArg(a.positionals[0], 'ID', 'callbacks complete');
    const agentId = numberArg(a.string('agent'), '--agent', 'callbacks complete');
    const given = a.string('outcome');
    if (given !== undefined && !isCallbackOutcome(given)) {
      throw new UsageError(`--outcome must be one of ${CALLBACK_OUTCOMES.join(', ')}`, 'hotline callbacks complete --help');
    }
    const hotline = await ctx.hotline();
    const agent = await currentAgent(hotline, agentId);
    const before = await hotline.store.desk.get(id);
    if (!before) throw notFound(`callback ${id}`);
    // Refused before the outcome is asked: completing a closed callback again would change nothing.
    if (before.status === 'completed') throw conflict(`callback ${id} was already completed${before.completedBy ? ` by ${before.completedBy.name}` : ''}`);
    if (!(OPEN_STATUSES as readonly string[]).includes(before.status)) throw conflict(`callback ${id} is ${before.status} and cannot be completed`);
    const outcome = given ?? (await askOutcome(ctx));
    refuseOn(await hotline.store.desk.complete(id, agent.agentId, hotline.clock.now(), outcome), id, await hotline.store.desk.get(id), 'completed');
    const view = await detail(hotline, id);
    emit(ctx, a.json, view, () => `Callback ${id} (${view.reference}) completed by ${agent.name}: ${OUTCOME_WORDS[outcome]}.`);
  },
};

/** `hotline callbacks ...`: the promises to call customers back, and agents' work on them. */
export const callbacksCommand = commandGroup('callbacks', 'list, show, claim and complete callbacks', { list, show, claim, complete });

function parseStatuses(text: string | undefined): CallbackStatus[] | undefined {
  if (text === undefined) return [...OPEN_STATUSES];
  if (text === 'all') return undefined;
  const statuses = text.split(',').map((s) => s.trim());
  const bad = statuses.find((s) => !(STATUSES as readonly string[]).includes(s));
  if (bad !== undefined) throw new UsageError(`--status: "${bad}" is not one of ${STATUSES.join(', ')}, all`, 'hotline callbacks list --help');
  return statuses as CallbackStatus[];
}

/** The desk's refusal of an action as one line an operator can act on. */
function refuseOn(refusal: DeskRefusal | null, id: number, now: DeskCallback | undefined, done: string): void {
  if (refusal === null) return;
  if (refusal === 'not-found' || !now) throw notFound(`callback ${id}`);
  if (refusal === 'closed') throw conflict(`callback ${id} is ${now.status} and cannot be ${done}`);
  const holder = now.claimedBy ? `${now.claimedBy.name} (agent ${now.claimedBy.agentId})` : 'another agent';
  throw conflict(`callback ${id} is claimed by ${holder}; add --take-over to take it over`);
}

/** Asks at a terminal which outcome to record; a script must say it with --outcome. */
async function askOutcome(ctx: CliContext, stdin: NodeJS.ReadStream = process.stdin): Promise<CallbackOutcome> {
  if (!stdin.isTTY) throw new UsageError(`missing --outcome (${CALLBACK_OUTCOMES.join(', ')})`, 'hotline callbacks complete --help');
  const rl = createInterface({ input: stdin, output: ctx.stderr });
  try {
    ctx.stderr.write(`What became of it?\n${CALLBACK_OUTCOMES.map((o, i) => `  ${i + 1}  ${OUTCOME_WORDS[o]}`).join('\n')}\n`);
    for (;;) {
      const answer = (await rl.question('Outcome (1-3): ')).trim();
      const picked = CALLBACK_OUTCOMES[Number(answer) - 1] ?? (isCallbackOutcome(answer) ? answer : undefined);
      if (picked) return picked;
    }
  } finally {
    rl.close();
  }
}

type CallbackDetail = Awaited<ReturnType<typeof detail>>;

/** A callback as `show` prints it: the API's view, the desk's fields, its notes and calls to the customer. */
async function detail(hotline: Hotline, id: number) {
  const { desk } = hotline.store;
  const callback = await desk.get(id);
  if (!callback) throw notFound(`callback ${id}`);
  const [notes, tries] = await Promise.all([desk.notes(id), desk.customerTries(id)]);
  return {
    ...callbackView(callback, hotline.clock.now()),
    unverified: callback.unverified,
    claimedBy: callback.claimedBy,
    claimedAt: iso(callback.claimedAt),
    completedBy: callback.completedBy,
    outcome: callback.outcome,
    notes: notes.map(noteView),
    customerTries: tries.map(tryView),
  };
}

const noteView = (n: CallbackNote) => ({ at: iso(n.createdAt)!, agentId: n.agentId, agentName: n.agentName, kind: n.kind, body: n.body });
const tryView = (t: CustomerTry) => ({ at: iso(t.at)!, status: t.status, confirmedAt: iso(t.confirmedAt) });

function describe(c: CallbackDetail): string {
  const rows: Array<[string, string]> = [
    ['callback', `${c.callbackId} (${c.reference})`],
    ['customer', c.customerId],
    ['priority', `${c.priority} ${c.tier}${c.unverified ? ` - UNVERIFIED caller (${c.unverified.reason}): verify the customer another way` : ''}`],
    ['call', c.phone + (c.callerPhone && c.callerPhone !== c.phone ? ` (called from ${c.callerPhone})` : '')],
    ['language', c.language],
    ['status', `${c.status}${c.outcome ? `: ${OUTCOME_WORDS[c.outcome]}` : ''}`],
    ['due', `${c.dueAt} (${c.sla.replace('_', ' ')})`],
    ['created', c.createdAt],
    ['tries', `${c.attempts}${c.nextAttemptAt ? `, next not before ${c.nextAttemptAt}` : ''}${c.lastError ? `, last: ${c.lastError}` : ''}`],
    ['claimed by', c.claimedBy ? `${c.claimedBy.name} (agent ${c.claimedBy.agentId}) at ${c.claimedAt}` : '-'],
    ['completed by', c.completedBy ? `${c.completedBy.name} (agent ${c.completedBy.agentId})` : '-'],
    ['recording', c.recordingUrl ? `${c.recordingUrl} (${c.recordingDuration ?? '?'} s)` : '-'],
  ];
  const lines = rows.map(([k, v]) => `  ${k.padEnd(13)} ${v}`);
  if (c.customerTries.length > 0) {
    lines.push('', '  Calls to the customer:', ...c.customerTries.map((t) => `    ${t.at}  ${t.status}${t.confirmedAt ? ', pressed a key' : ''}`));
  }
  if (c.notes.length > 0) lines.push('', '  Notes:', ...c.notes.map((n) => `    ${n.at}  ${n.agentName ?? '-'}: ${n.body}`));
  return lines.join('\n');
}

function table(items: ReturnType<typeof callbackView>[]): string {
  if (items.length === 0) return 'No callbacks.';
  const lines = [
    ['ID', 'REFERENCE', 'PRIO', 'STATUS', 'SLA', 'DUE', 'CUSTOMER', 'PHONE'],
    ...items.map((c) => [String(c.callbackId), c.reference, `${c.priority}`, c.status, c.sla, c.dueAt, c.customerId, c.phone]),
  ];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((cells) => cells[i]!.length)));
  return lines.map((cells) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
