import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logging/create-logger';

/**
 * Bolt and the Web API log through our pino logger (masked secrets, one line format), under a
 * `slack` component; their own level setting is ignored: `LOG_LEVEL` decides.
 * @example new App({ logger: boltLogger(log) })
 */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'slack' });
  const line = (msg: unknown[]) =>
    msg.map((m) => (typeof m === 'string' ? m : String(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => child.debug(line(msg)),
    info: (...msg: unknown[]) => child.info(line(msg)),
    warn: (...msg: unknown[]) => child.warn(line(msg)),
    error: (...msg: unknown[]) => child.error(line(msg)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
