/**
 * What a failed REST request was, fit for logs and for agents to read: the HTTP status, Twilio's error
 * code (named twilioCode: the logger redacts any field called "code"), and its message with any phone
 * number in it masked (Twilio quotes the 'To' number back).
 */
export function errorSummary(err: unknown): { httpStatus?: number; twilioCode?: number; message: string } {
  const e = err as { status?: unknown; code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return {
    ...(typeof e?.status === 'number' && { httpStatus: e.status }),
    ...(typeof e?.code === 'number' && { twilioCode: e.code }),
    message: message.replace(/\+?[0-9][0-9 ().-]{5,}[0-9]/g, (n) => `${n.slice(0, 2)}…${n.slice(-2)}`).slice(0, 200),
  };
}
