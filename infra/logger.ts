import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/** Paths pino blanks out wherever they appear in a log record: tokens, keys, passwords never reach a log. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'secretAccessKey',
  '*.secretAccessKey',
  'accessKeyId',
  '*.accessKeyId',
  'credentials',
  '*.credentials',
  '*.*.credentials',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'cookie',
  '*.cookie',
  'AWS_SECRET_ACCESS_KEY',
  '*.AWS_SECRET_ACCESS_KEY',
];

/** The process logger: readable lines on a terminal, JSON otherwise (or with LOG_FORMAT=json); secrets redacted. */
export function createLogger(
  level = process.env.LOG_LEVEL ?? 'info',
  opts: { pretty?: boolean; destination?: NodeJS.WritableStream } = {},
): Logger {
  const base = { level, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' }, base: undefined };
  const wantPretty = opts.pretty ?? (process.env.LOG_FORMAT !== 'json' && Boolean(process.stderr.isTTY));
  const destination = opts.destination ?? process.stderr;
  if (wantPretty)
    return pino(
      base,
      pretty({ colorize: true, destination: destination as never, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }),
    );
  return pino(base, destination as never);
}
