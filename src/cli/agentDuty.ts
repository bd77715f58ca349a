import { AppError, notFound } from '../domain/errors.js';
import { WEEKDAYS, type Weekday } from '../domain/roster.js';
import { DUTY_MODES, type Agent } from '../domain/storage/agents.js';
import { changeCurrentAgent, rosterBody, rosterView } from '../http/api/agents.js';
import { parse } from '../http/validate.js';
import { emit, readArgs, UsageError, type Command } from './command.js';
import { iso, numberArg } from './ids.js';

/** An agent with ISO 8601 times, as the newer commands print them. */
export function agentView(agent: Agent) {
  return {
    ...agent,
    onCall: agent.onCall && { callSid: agent.onCall.callSid, since: iso(agent.onCall.since)! },
    lastOfferedAt: iso(agent.lastOfferedAt),
    createdAt: iso(agent.createdAt)!,
    updatedAt: iso(agent.updatedAt)!,
    removedAt: iso(agent.removedAt),
  };
}

export const duty: Command = {
  summary: "switch an agent's duty: on, off, or by their weekly roster",
  usage: [
    'usage: hotline agents duty ID on|off|roster [--json]',
    '',
    'on and off hold until changed; roster follows the weekly rules (hotline agents roster ID). An agent',
    'switched off while on a call finishes that call.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'agents duty', positionals: ['ID', 'on|off|roster'] });
    const id = numberArg(a.positionals[0], 'ID', 'agents duty');
    const mode = a.positionals[1]!;
    if (!(DUTY_MODES as readonly string[]).includes(mode)) throw new UsageError(`duty must be one of ${DUTY_MODES.join(', ')}`, 'hotline agents duty --help');
    const hotline = await ctx.hotline();
    const agent = await changeCurrentAgent(hotline.store, id, (tx) => tx.agents.update(id, { duty: mode as Agent['duty'] }, hotline.clock.now()));
    emit(ctx, a.json, agentView(agent), () => {
      const roster = agent.duty === 'roster' ? ` by roster${agent.roster ? ` (${agent.roster.timeZone})` : ': no roster set, so off duty (hotline agents roster ID --help)'}` : '';
      return `Agent ${agent.agentId} (${agent.name}): duty ${agent.duty}${roster}; now ${agent.state}.`;
    });
  },
};

export const roster: Command = {
  summary: "show or replace an agent's weekly roster",
  usage: [
    'usage: hotline agents roster ID [--json]',
    '       hotline agents roster ID --time-zone ZONE [--rule "DAYS HH:MM-HH:MM"]... [--json]',
    '',
    'Without options, shows the roster. With --time-zone, replaces it with the rules given (none: never on',
    'duty by roster). DAYS are sun..sat, comma-separated, with ranges: "mon-fri 09:00-17:30",',
    '"sat,sun 10:00-14:00", "fri 22:00-24:00". Times are read in ZONE (an IANA zone such as Asia/Tokyo).',
    'The roster applies while the agent\'s duty is roster: hotline agents duty ID roster.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, {
      command: 'agents roster',
      positionals: ['ID'],
      options: { 'time-zone': { type: 'string' }, rule: { type: 'string', multiple: true } },
    });
    const id = numberArg(a.positionals[0], 'ID', 'agents roster');
    const timeZone = a.string('time-zone');
    const rules = a.strings('rule');
    if (timeZone === undefined && rules.length > 0) throw new UsageError('--rule needs --time-zone (the zone its times are read in)', 'hotline agents roster --help');
    const hotline = await ctx.hotline();
    const { store, clock } = hotline;
    let agent: Agent;
    if (timeZone === undefined) {
      const found = await store.agents.get(id);
      if (!found) throw notFound(`agent ${id}`);
      agent = found;
    } else {
      const input = parseRoster(timeZone, rules);
      agent = await changeCurrentAgent(store, id, (tx) => tx.agents.setRoster(id, input, clock.now()));
    }
    const view = rosterView(agent, clock.now());
    emit(ctx, a.json, view, () => {
      const head = `Agent ${agent.agentId} (${agent.name}): duty ${view.duty}, now ${view.state}${view.duty === 'roster' ? '' : ' (the roster applies once duty is roster)'}.`;
      if (view.timeZone === null) return `${head}\nNo roster set.`;
      const lines = view.rules.map((r) => `  ${r.days.join(',').padEnd(28)} ${r.start}-${r.end}`);
      return [head, `Roster in ${view.timeZone}${view.onRosterNow ? ' (on the roster now)' : ''}:`, ...(lines.length ? lines : ['  no rules: never on duty by roster'])].join('\n');
    });
  },
};

/** The rules as typed, checked by the API's roster rules; an error names the rule the operator typed. */
function parseRoster(timeZone: string, rules: string[]) {
  const typed = rules.map((text) => {
    const match = /^\s*(\S+)\s+(\S+)-(\S+)\s*$/.exec(text);
    if (!match) throw new AppError(400, 'invalid_request', `--rule "${text}": must be DAYS HH:MM-HH:MM, such as "mon-fri 09:00-17:00"`, 'rule');
    return { days: daysOf(match[1]!, text), start: match[2]!, end: match[3]! };
  });
  try {
    return parse(rosterBody, { timeZone, rules: typed });
  } catch (err) {
    if (!(err instanceof AppError) || !err.field) throw err;
    const rule = /^rules\.([0-9]+)/.exec(err.field);
    const detail = err.message.slice(err.message.indexOf(':') + 1).trim();
    if (err.field === 'timeZone') throw new AppError(400, 'invalid_request', `--time-zone: ${detail}`, 'timeZone');
    if (rule) throw new AppError(400, 'invalid_request', `--rule "${rules[Number(rule[1])]}": ${err.field.split('.').at(-1)} ${detail}`, 'rule');
    throw err;
  }
}

/** "mon-fri,sun" as the week's days; a range may wrap past Saturday ("fri-mon"). */
function daysOf(text: string, rule: string): Weekday[] {
  const index = (day: string) => {
    const i = WEEKDAYS.indexOf(day.toLowerCase() as Weekday);
    if (i < 0) throw new AppError(400, 'invalid_request', `--rule "${rule}": "${day}" is not a day (${WEEKDAYS.join(', ')})`, 'rule');
    return i;
  };
  const days: Weekday[] = [];
  for (const part of text.split(',')) {
    const [from, to, ...rest] = part.split('-');
    if (rest.length > 0 || !from) throw new AppError(400, 'invalid_request', `--rule "${rule}": "${part}" is not a day or a range of days`, 'rule');
    const start = index(from);
    const end = to === undefined ? start : index(to);
    for (let i = start; ; i = (i + 1) % 7) {
      days.push(WEEKDAYS[i]!);
      if (i === end) break;
    }
  }
  return days;
}
