import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths redacted wherever they appear: codes, secrets, tokens and phone numbers are never written,
 * even if a future change passes a whole request or record to the logger by mistake.
 */
export const REDACTED_PATHS = [
  'code',
  '*.code',
  'Digits',
  '*.Digits',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  'phone',
  '*.phone',
  'From',
  '*.From',
  'To',
  '*.To',
  'otpauthUri',
  '*.otpauthUri',
];

/** The service logger; tests pass a stream to read the JSON lines. */
export function createLogger(level: string, stream?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hotline' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
}
