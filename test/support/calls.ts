import { CallWalker } from '../../src/simulator/walker.js';
import { scripted, type ScriptToken } from '../../src/simulator/input.js';
import type { Transcript } from '../../src/simulator/transcript.js';
import { api, type Harness } from './harness.js';

export const CALLER = '+14155550100';
export const LINE = '+15555550199';

/** Places a whole call through the phone simulator, signed as Twilio signs, with scripted input. */
export async function placeCall(
  h: Harness,
  tokens: ScriptToken[],
  options: { from?: string; to?: string; callSid?: string } = {},
): Promise<Transcript & { callSid: string }> {
  const walker = new CallWalker({
    baseUrl: h.url,
    publicBaseUrl: h.config.publicBaseUrl,
    authToken: h.config.twilio.authToken,
    accountSid: h.config.twilio.accountSid,
    from: options.from ?? CALLER,
    to: options.to ?? LINE,
    ...(options.callSid && { callSid: options.callSid }),
    input: scripted(tokens),
  });
  return Object.assign(await walker.walk(), { callSid: walker.callSid });
}

/** Creates a customer through the admin API and returns its ID. */
export async function addCustomer(
  h: Harness,
  body: { name?: string; plan?: string; tier?: string } = {},
): Promise<string> {
  const res = await api(h, 'POST', '/api/customers', { name: 'Acme Robotics', plan: 'enterprise', tier: 'premium', ...body });
  if (res.status !== 201) throw new Error(`customer not created: ${JSON.stringify(res.body)}`);
  return res.body.customerId as string;
}

/** The customer's dashboard code now, read from the admin API as the dashboard does. */
export async function dashboardCode(h: Harness, customerId: string): Promise<string> {
  return (await api(h, 'GET', `/api/customers/${customerId}/one-time-token`)).body.code as string;
}

export async function addAgent(
  h: Harness,
  body: { name?: string; phone: string; languages?: string[]; onDuty?: boolean },
): Promise<number> {
  const res = await api(h, 'POST', '/api/agents', { name: 'Agent', onDuty: true, ...body });
  if (res.status !== 201) throw new Error(`agent not created: ${JSON.stringify(res.body)}`);
  return res.body.agentId as number;
}
