import type { Agent } from '../domain/storage/agents.js';
import { hashPassword, passwordProblem } from '../console/passwords.js';
import { AppError, notFound } from '../domain/errors.js';
import { createBody, removedAgent } from '../http/api/agents.js';
import { parse } from '../http/validate.js';
import { LANGUAGES } from '../../voice-flows/prompts/index.js';
import { duty, roster } from './agentDuty.js';
import { readNewPassword } from './agentsPassword.js';
import { commandGroup, emit, readArgs, UsageError, type Command } from './command.js';

/** The API's rules for a new agent; a bad language names the flag the operator typed. */
function parseAgent(input: Record<string, unknown>) {
  try {
    return parse(createBody, input);
  } catch (err) {
    if (err instanceof AppError && err.field?.startsWith('languages')) {
      throw new UsageError(`--languages must be a comma-separated list of ${LANGUAGES.join(', ')}`, 'hotline agents add --help');
    }
    throw err;
  }
}

const add: Command = {
  summary: 'create an agent (optionally an admin of the console)',
  usage: [
    'usage: hotline agents add --name NAME --phone +E164 [--languages en-US,ja-JP] [--duty on|off|roster]',
    '                          [--admin] [--json]',
    '',
    'Creates an agent who takes transfers and callbacks. --duty defaults to off; --admin lets them manage',
    'agents in the console. Give them a console password with: hotline agents set-password ID',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, {
      command: 'agents add',
      positionals: [],
      options: { name: { type: 'string' }, phone: { type: 'string' }, languages: { type: 'string' }, duty: { type: 'string' }, admin: { type: 'boolean' } },
    });
    for (const required of ['name', 'phone']) {
      if (a.string(required) === undefined) throw new UsageError(`missing --${required}`, 'hotline agents add --help');
    }
    // parseArgs has validated the flags, so "--admin" here can only be the flag itself.
    const isAdmin = args.includes('--admin');
    const input = parseAgent({
      name: a.string('name'),
      phone: a.string('phone'),
      ...(a.string('languages') !== undefined && { languages: a.string('languages')!.split(',').map((l) => l.trim()) }),
      ...(a.string('duty') !== undefined && { duty: a.string('duty') }),
      isAdmin,
    });
    const hotline = await ctx.hotline();
    const agent = await hotline.store.agents.create(input, hotline.clock.now());
    emit(ctx, a.json, agent, () =>
      [`Created agent ${agent.agentId}.`, describe(agent, false), '', `Console password: hotline agents set-password ${agent.agentId}`].join('\n'),
    );
  },
};

const setPassword: Command = {
  summary: "set an agent's console password (typed, or the first line of stdin)",
  usage: [
    'usage: hotline agents set-password ID [--json]',
    '',
    'At a terminal, asks for the password twice without showing it. Otherwise reads the first line of',
    "standard input: printf '%s\\n' \"$PASSWORD\" | hotline agents set-password ID. At least 12 characters.",
    "Stored as an scrypt hash with its own salt; the agent's console sessions are signed out.",
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'agents set-password', positionals: ['ID'] });
    const id = a.positionals[0]!;
    if (!/^[0-9]{1,9}$/.test(id)) throw new UsageError('ID must be an agent number', 'hotline agents set-password --help');
    const hotline = await ctx.hotline();
    const agent = await hotline.store.agents.get(Number(id));
    if (!agent) throw notFound(`agent ${id}`);
    if (agent.removedAt !== null) throw removedAgent(id);
    const password = await readNewPassword(ctx);
    const problem = passwordProblem(password);
    if (problem) throw new AppError(400, 'invalid_request', `password: ${problem}`, 'password');
    if (!(await hotline.store.credentials.setPassword(agent.agentId, await hashPassword(password), hotline.clock.now()))) throw notFound(`agent ${id}`);
    emit(ctx, a.json, { agentId: agent.agentId, passwordSet: true }, () =>
      `Password set for agent ${agent.agentId} (${agent.name}). Sign in at ${hotline.config.publicBaseUrl}/console`,
    );
  },
};

const list: Command = {
  summary: 'list agents: duty, state now, admin, console password',
  usage: 'usage: hotline agents list [--json]',
  async run(args, ctx) {
    const a = readArgs(args, { command: 'agents list', positionals: [] });
    const hotline = await ctx.hotline();
    const withPassword = await hotline.store.credentials.withPassword();
    const items = (await hotline.store.agents.list()).map((agent) => ({ ...agent, hasPassword: withPassword.has(agent.agentId) }));
    emit(ctx, a.json, { items }, () => (items.length === 0 ? 'No agents yet: hotline agents add --name NAME --phone +E164' : items.map((i) => describe(i, i.hasPassword)).join('\n')));
  },
};

const remove: Command = {
  summary: 'remove an agent who left: off duty for good, signed out, claimed callbacks given back',
  usage: [
    'usage: hotline agents remove ID [--json]',
    '',
    'The agent takes no more calls or callbacks, their console password and sessions are deleted, and',
    'callbacks they had claimed in the console go back to the dialer. Calls and callbacks that name them',
    'keep their name. A removed agent cannot be changed or given a password again; add a new agent instead.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'agents remove', positionals: ['ID'] });
    const id = a.positionals[0]!;
    if (!/^[0-9]{1,9}$/.test(id)) throw new UsageError('ID must be an agent number', 'hotline agents remove --help');
    const hotline = await ctx.hotline();
    const removed = await hotline.store.agents.remove(Number(id), hotline.clock.now());
    if (!removed) throw notFound(`agent ${id}`);
    const { agent, releasedClaims } = removed;
    emit(ctx, a.json, { ...agent, releasedClaims }, () =>
      `Removed agent ${agent.agentId} (${agent.name}): off duty, signed out${releasedClaims ? `, ${releasedClaims} claimed callback${releasedClaims === 1 ? '' : 's'} given back to the dialer` : ''}.`,
    );
  },
};

function describe(agent: Agent, hasPassword: boolean): string {
  const roster = agent.duty === 'roster' ? ` (${agent.roster?.timeZone ?? 'no roster set'})` : '';
  return [
    `${String(agent.agentId).padStart(4)}  ${agent.name}${agent.isAdmin ? ' [admin]' : ''}`,
    `phone ${agent.phone}`,
    `languages ${agent.languages.join(',')}`,
    `duty ${agent.duty}${roster}`,
    `now ${agent.state}`,
    hasPassword ? 'can sign in' : 'no console password',
  ].join('  ');
}

/** `hotline agents ...`: agents and their console passwords. */
export const agentsCommand = commandGroup('agents', 'add, list and remove agents, their duty and roster, console passwords', {
  add,
  'set-password': setPassword,
  list,
  duty,
  roster,
  remove,
});
