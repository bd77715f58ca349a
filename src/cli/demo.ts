import { randomBytes } from 'node:crypto';
import { hashPassword } from '../console/passwords.js';
import { DEMO_CUSTOMER, DEMO_CUSTOMER_ID as DEMO_ID } from '../domain/demo.js';
import { conflict } from '../domain/errors.js';
import { emit, readArgs, type Command } from './command.js';

const DEMO_AGENT_PHONE = '+15555550123';

/** `hotline demo`: a demo Enterprise customer and an agent on duty, and how to place a verified call. */
export const demoCommand: Command = {
  summary: 'create a demo customer and an on-duty demo agent, and show how to call',
  usage: [
    'usage: hotline demo [--json]',
    '',
    `Creates (once) the Premium Enterprise customer "Demo Corp" with ID ${DEMO_ID} and the agent`,
    `"Demo Agent" (${DEMO_AGENT_PHONE}) on duty, then prints how to place a verified P1 call with the`,
    'phone simulator against a server started with `npm start`. Local mode only (no production secrets set).',
  ].join('\n'),
  async run(args, ctx) {
    const { json } = readArgs(args, { positionals: [], command: 'demo' });
    // Checked before the database is opened: on a real line the on-duty demo agent's made-up phone would
    // be rung by real P1 callers.
    if (!ctx.loadConfig().localMode) {
      throw conflict('demo runs only in local mode: with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, HOTLINE_SECRET_KEY and HOTLINE_ADMIN_TOKEN set, its on-duty demo agent would take real calls');
    }
    const hotline = await ctx.hotline();
    const { store } = hotline;
    const existing = await store.customers.get(DEMO_ID);
    const customer =
      existing ?? (await hotline.customers.create({ ...DEMO_CUSTOMER }));
    const now = hotline.clock.now();
    // Found or created, and put on duty, in one transaction: two runs at once make one demo agent.
    const agent = await store.unitOfWork(async (tx) => {
      const found =
        (await tx.agents.list()).find((a) => a.phone === DEMO_AGENT_PHONE) ??
        (await tx.agents.create({ name: 'Demo Agent', phone: DEMO_AGENT_PHONE, languages: ['en-US', 'ja-JP'], onDuty: true, isAdmin: true }, now));
      if (!found.onDuty) await tx.agents.update(found.agentId, { onDuty: true }, now);
      return found;
    });
    // A fresh console password on every run: the demo never needs a password remembered from last time.
    const consolePassword = randomBytes(12).toString('base64url');
    await store.credentials.setPassword(agent.agentId, await hashPassword(consolePassword), now);
    const script = `${customer.customerId}#,CODE,1`;
    emit(
      ctx,
      json,
      { customer, agent: { agentId: agent.agentId, name: agent.name, phone: agent.phone, onDuty: true, consolePassword }, script },
      () =>
        [
          `Demo customer: ${customer.name}, Premium Enterprise, customer ID ${customer.customerId}`,
          `Demo agent on duty: ${agent.name} (${agent.phone})`,
          `Agent console: ${hotline.config.publicBaseUrl}/console  agent number ${agent.agentId}, password ${consolePassword}`,
          '',
          'With the server running (npm start), place a verified P1 call in another terminal:',
          `  npm run call -- --script "${script}"`,
          'CODE stands for the current 30-second code. Or call interactively and type it yourself:',
          '  npm run call',
          `  npm run hotline -- token ${customer.customerId}     (the code, as the dashboard shows it)`,
        ].join('\n'),
    );
  },
};
