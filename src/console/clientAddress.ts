import type { Request } from 'express';

/** The first 64 bits of an IPv6 address, as "a:b:c:d::/64"; `undefined` if it is not one. */
function ipv6Prefix(address: string): string | undefined {
  const halves = address.split('%')[0]!.split('::');
  if (halves.length > 2) return undefined;
  // A dotted IPv4 tail stands for two groups.
  const groups = (part: string | undefined) => (part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const all = halves.length === 2 ? [...head, ...Array<string>(Math.max(0, 8 - head.length - tail.length)).fill('0'), ...tail] : head;
  if (all.length !== 8 || !all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return `${all.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/**
 * Who a sign-in comes from, for its limits: the TCP peer's address, never a header (the app does not
 * trust a proxy, so X-Forwarded-For is anyone's to write). An IPv4 client seen over IPv6 counts as its
 * IPv4 address; an IPv6 client counts as its /64, which one subscriber usually holds whole.
 */
export function clientAddressOf(req: Request): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const mapped = /^::ffff:([0-9]{1,3}(?:\.[0-9]{1,3}){3})$/i.exec(peer);
  if (mapped) return mapped[1]!;
  return peer.includes(':') ? (ipv6Prefix(peer) ?? peer) : peer;
}
