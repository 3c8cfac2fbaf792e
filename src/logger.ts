import type { Config } from './config';
import type { Logger } from './server';

/** JSON lines on stdout (one object per event). */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  const silent = config.logLevel === 'silent';
  const write = (level: string) => (obj: unknown, msg?: string) => {
    if (silent) return;
    const o = obj instanceof Error ? { err: { message: obj.message, stack: obj.stack } } : (obj as Record<string, unknown>);
    const err = o?.err instanceof Error ? { err: { message: o.err.message, stack: o.err.stack } } : {};
    process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), ...o, ...err, msg })}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
