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

export function callbackUrls(publicBaseUrl: string): CallbackUrls {
  const base = `${publicBaseUrl}/voice/callback`;
  return {
    agent: (c, l) => `${base}/agent?callback=${c}&leg=${l}`,
    accept: (c, l) => `${base}/accept?callback=${c}&leg=${l}`,
    customer: (c, l) => `${base}/customer?callback=${c}&leg=${l}`,
    customerKey: (c, l) => `${base}/customer-key?callback=${c}&leg=${l}`,
    dialed: (c, l) => `${base}/dialed?callback=${c}&leg=${l}`,
    status: (c, l) => `${base}/status?callback=${c}&leg=${l}`,
  };
}
