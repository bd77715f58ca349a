/** The address a person types into a browser for a listening host: a wildcard means this machine. */
export function browsableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** What `npm start` tells a person in local mode: where the console is and how to try a call. */
export function localModeWelcome(host: string, port: number): string {
  const base = `http://${browsableHost(host)}:${port}`;
  const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost';
  const reach = loopback ? 'reachable from this machine only' : browsableHost(host) === 'localhost' ? 'reachable on every interface' : `listening on ${host}`;
  return [
    '',
    `  The hotline is running in local mode on ${base} (${reach}).`,
    `  Demo dashboard:  ${base}/demo/dashboard    (the customer's panel: the demo customer's ID and code)`,
    `  Agent console:   ${base}/console`,
    '  Try a call:      npm run call    (in another terminal; npm run hotline -- demo adds an agent who answers)',
    '',
    '',
  ].join('\n');
}
