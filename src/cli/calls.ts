import { stateLabel } from '../console/format.js';
import { warning } from '../console/views/call.js';
import { CALL_SID, maskPhone } from '../domain/customer.js';
import { notFound } from '../domain/errors.js';
import { commandGroup, emit, readArgs, UsageError, type Command } from './command.js';
import { iso } from './ids.js';

// As many as the console's dashboard shows.
const LIVE_SHOWN = 200;

const list: Command = {
  summary: 'list the calls in progress, oldest first, with their place in the P1 queue',
  usage: [
    'usage: hotline calls list [--json]',
    '',
    'The calls the console shows as live: where each is in the flow, the customer once verified, and the',
    "caller's place in the P1 queue while waiting. Numbers are masked as in the console.",
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'calls list', positionals: [] });
    const { store } = await ctx.hotline();
    const [live, waiting] = await Promise.all([store.calls.live(LIVE_SHOWN), store.queue.waiting()]);
    const place = new Map(waiting.map((entry, i) => [entry.callSid, i + 1]));
    const items = live.map((c) => ({
      callSid: c.callSid,
      state: c.state,
      customerId: c.customerId,
      priority: c.priority,
      language: c.language,
      from: maskPhone(c.from) ?? null,
      queuePlace: place.get(c.callSid) ?? null,
      startedAt: iso(c.startedAt)!,
    }));
    emit(ctx, a.json, { items }, () => {
      if (items.length === 0) return 'No calls in progress.';
      const rows = [
        ['CALL SID', 'STATE', 'PRIO', 'CUSTOMER', 'FROM', 'STARTED'],
        ...items.map((c) => [
          c.callSid,
          c.queuePlace ? `number ${c.queuePlace} in queue` : stateLabel(c.state),
          c.priority ?? '-',
          c.customerId ?? '-',
          c.from ?? 'withheld',
          c.startedAt,
        ]),
      ];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
    });
  },
};

const show: Command = {
  summary: 'show one call: its state and outcome, the customer, its verification attempts, its callback',
  usage: 'usage: hotline calls show CALL_SID [--json]',
  async run(args, ctx) {
    const a = readArgs(args, { command: 'calls show', positionals: ['CALL_SID'] });
    const sid = a.positionals[0]!;
    if (!CALL_SID.test(sid)) throw new UsageError('CALL_SID must be CA followed by 32 letters and digits', 'hotline calls show --help');
    const { store } = await ctx.hotline();
    const call = await store.calls.get(sid);
    if (!call) throw notFound(`call ${sid}`);
    // The same reads as the console's call page.
    const [audit, customer, callback, place] = await Promise.all([
      store.verification.audit({ callSid: sid, limit: 100 }),
      call.customerId ? store.customers.get(call.customerId) : undefined,
      store.callbacks.byCallSid(sid),
      store.queue.position(sid),
    ]);
    const view = {
      callSid: call.callSid,
      state: call.state,
      outcome: call.outcome,
      customerId: call.customerId,
      customerName: customer?.name ?? null,
      check: warning(call) ?? null,
      priority: call.priority,
      language: call.language,
      from: maskPhone(call.from) ?? null,
      queuePlace: place,
      startedAt: iso(call.startedAt)!,
      endedAt: iso(call.endedAt),
      callback: callback ? { callbackId: callback.callbackId, reference: callback.reference } : null,
      verificationAttempts: [...audit].reverse().map((v) => ({ at: iso(v.at)!, result: v.result, reason: v.reason, factor: v.factor, customerId: v.customerId })),
    };
    emit(ctx, a.json, view, () => {
      const rows: Array<[string, string]> = [
        ['call SID', view.callSid],
        ['state', `${stateLabel(view.state)}${view.queuePlace ? ` (number ${view.queuePlace} in the P1 queue)` : ''}${view.endedAt ? ' (call ended)' : ''}`],
        ['outcome', view.outcome ?? 'none yet'],
        ['customer', view.customerId ? `${view.customerName ?? 'unknown'} (ID ${view.customerId})` : 'not verified'],
        ...(view.check ? ([['CHECK', view.check]] as Array<[string, string]>) : []),
        ['priority', view.priority ?? '-'],
        ['language', view.language],
        ['from', view.from ?? 'withheld'],
        ['started', view.startedAt],
        ['ended', view.endedAt ?? '-'],
        ['callback', view.callback ? `${view.callback.callbackId} (${view.callback.reference}): hotline callbacks show ${view.callback.callbackId}` : '-'],
      ];
      const lines = rows.map(([k, v]) => `  ${k.padEnd(10)} ${v}`);
      lines.push('', view.verificationAttempts.length === 0 ? '  No verification attempt.' : '  Verification attempts:');
      for (const v of view.verificationAttempts) lines.push(`    ${v.at}  ${v.result.padEnd(8)}  ${v.reason.replace(/_/g, ' ')}  ${v.factor ?? '-'}  ID ${v.customerId}`);
      return lines.join('\n');
    });
  },
};

/** `hotline calls ...`: calls in progress and one call's audit trail. */
export const callsCommand = commandGroup('calls', 'list calls in progress, show one call', { list, show });
