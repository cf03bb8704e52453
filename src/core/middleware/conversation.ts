import type { TurnMiddleware } from '../turn';

/**
 * Keeps the conversation's reference fresh (proactive messages need it); the transport knows
 * what a reference is on its platform and skips the store when nothing changed.
 * @example composeTurnPipeline([…, conversation(), identity(deps), …])
 */
export function conversation(): TurnMiddleware {
  return async (turn, next) => {
    await turn.capabilities.rememberConversation?.();
    await next();
  };
}
