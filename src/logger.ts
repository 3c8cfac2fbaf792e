/**
 * JSON logs through pino: one object per line on stdout (or `destination`, for tests). Errors under
 * `err` keep their stack and their own fields (a pg error's code, table, detail): the log is where
 * the detail that responses hide lives.
 */
import pino from 'pino';
import type { Config } from './config';

export interface Logger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  const log = pino(
    {
      level: config.logLevel,
      base: { service: 'creator-analytics-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err },
    },
    // Synchronous writes to stdout: lines in call order and none lost when the process exits or
    // crashes (one line per request is cheap to write at once).
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
  // pino's methods take (obj, msg); an Error as the object is serialized under `err`.
  return {
    info: (obj, msg) => log.info(obj as object, msg),
    warn: (obj, msg) => log.warn(obj as object, msg),
    error: (obj, msg) => log.error(obj as object, msg),
  };
}
