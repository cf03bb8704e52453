import type { RateLimiter } from '../../auth/rate-limiter';
import type { TurnMiddleware } from '../turn';
import { refusal } from '../turn';

/**
 * The per-person rate limit, before any lookup or store read, so a flood costs little.
 * A limited click did nothing: its retry may run once the person slowed down.
 * @example composeTurnPipeline([respond(), tenant(deps), rateLimit(limiter), …])
 */
export function rateLimit(limiter: RateLimiter | undefined): TurnMiddleware {
  return async (turn, next) => {
    const decision = limiter?.take(turn.actor.id);
    if (!decision || decision.allowed) {
      await next();
      return;
    }
    const seconds = Math.ceil(decision.retryAfterMs / 1000);
    turn.undone = turn.kind === 'cardAction';
    turn.answer = refusal(
      turn,
      429,
      [
        'warning',
        'Slow down a little',
        `You have sent a lot of commands in a short time. Try again in ${seconds} s.`,
      ],
      `Slow down a little: try again in ${seconds} s.`,
    );
  };
}
