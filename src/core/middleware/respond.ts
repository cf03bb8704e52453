import type { TurnMiddleware } from '../turn';
import { respond as sendAnswer } from '../turn';

/**
 * Outermost: sends whatever the turn answered (a refusal before any delivery was claimed, say)
 * that the delivery middleware has not sent already.
 * @example composeTurnPipeline([respond(), tenant(deps), …])
 */
export function respond(): TurnMiddleware {
  return async (turn, next) => {
    await next();
    await sendAnswer(turn);
  };
}
