import type { Metrics } from '../../metrics/metrics';
import { outcomeOf } from '../outcome-of';
import type { TurnMiddleware } from '../turn';

/**
 * Counts each command by its outcome family (a bounded label set), once it answered.
 * @example composeTurnPipeline([…, metrics(m), audit(deps), router(routes)])
 */
export function metrics(m: Metrics | undefined): TurnMiddleware {
  return async (turn, next) => {
    await next();
    if (!m || turn.kind !== 'message' || !turn.command) return;
    m.commands.inc({ command: turn.command, outcome: outcomeOf(turn.answer) });
  };
}
