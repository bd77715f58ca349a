/**
 * The floor: a bare node:http server that answers every request with one fixed TwiML document of the
 * size the hotline answers, with no parsing and no checks. What Node itself costs per webhook.
 */
import { createServer } from 'node:http';

const DOCUMENT = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="dtmf" action="https://hotline.example.com/voice/step?step=1" ' +
    'method="POST" actionOnEmptyResult="true" timeout="10" finishOnKey="#" numDigits="6"><Say voice="Polly.Joanna" language="en-US">' +
    'Enter the 6-digit code from your dashboard or your authenticator app.</Say></Gather></Response>',
);

const server = createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': DOCUMENT.length });
  res.end(DOCUMENT);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`floor listening on ${typeof address === 'object' && address ? address.port : '?'}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
