import { webhookUrls } from '../twilio/webhookUrls.js';

/** The webhook URLs of a callback's calls, absolute (PUBLIC_BASE_URL), as Twilio is given them. */
export interface CallbackUrls {
  /** The agent's leg answered: the whisper. */
  agent(callbackId: number, legId: number): string;
  /** The agent's key press on the whisper. */
  accept(callbackId: number, legId: number): string;
  /** The customer answered: the announcement and key gate on their leg, before the legs are bridged. */
  customer(callbackId: number, customerLegId: number): string;
  /** The customer's key press on the gate. */
  customerKey(callbackId: number, customerLegId: number): string;
  /** The agent's Dial to the customer ended. */
  dialed(callbackId: number, customerLegId: number): string;
  /** Status callbacks of either leg. */
  status(callbackId: number, legId: number): string;
}

export function callbackUrls(publicBaseUrl: string, connectionOverrides?: string): CallbackUrls {
  const url = webhookUrls(`${publicBaseUrl}/voice/callback`, connectionOverrides);
  return {
    agent: (c, l) => url(`/agent?callback=${c}&leg=${l}`),
    accept: (c, l) => url(`/accept?callback=${c}&leg=${l}`),
    customer: (c, l) => url(`/customer?callback=${c}&leg=${l}`),
    customerKey: (c, l) => url(`/customer-key?callback=${c}&leg=${l}`),
    dialed: (c, l) => url(`/dialed?callback=${c}&leg=${l}`),
    status: (c, l) => url(`/status?callback=${c}&leg=${l}`),
  };
}
