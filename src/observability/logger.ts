import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths pino blanks wherever they appear in a log object. Secrets are also wrapped in the
 * `Secret` type (which prints `[redacted]`); this is the second line of defence.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'api_key',
  'apiKey',
  '*.api_key',
  '*.apiKey',
  '*.*.api_key',
  'key',
  '*.key',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'metrics_token',
  '*.metrics_token',
  'admin_keys',
  '*.admin_keys',
];

export interface LoggerSettings {
  readonly level?: LoggerOptions['level'];
  /** Human-readable, coloured lines (pino-pretty) instead of JSON: for a developer's terminal. */
  readonly pretty?: boolean;
  readonly destination?: NodeJS.WritableStream;
}

/** The gateway's structured logger: pino JSON lines with secret paths redacted. */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: 'ossa-gateway' },
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (settings.pretty) return pino(options, prettyStream(settings.destination ?? process.stdout));
  if (settings.destination) return pino(options, settings.destination as DestinationStream);
  return pino(options);
}

/**
 * pino-pretty as a synchronous stream in this thread (not a worker transport), loaded only
 * when asked for: production JSON logging never imports it.
 */
function prettyStream(destination: NodeJS.WritableStream): DestinationStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
  return pretty({ destination, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', sync: true });
}

export type { Logger };
