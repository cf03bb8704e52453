import type { Turn, TurnAnswer, TurnMiddleware } from './turn';

/** Runs a turn through every middleware, in order, and resolves what it answers. */
export type TurnPipeline = (turn: Turn) => Promise<TurnAnswer>;

/**
 * Composes middlewares in the one order they are given (as bolt-js' `processMiddleware`):
 * each runs around everything after it. A turn no middleware answered answers nothing.
 * @example
 *   const pipeline = composeTurnPipeline([tenant(policy), delivery(ledger), router(routes)]);
 *   const answer = await pipeline(turn);
 */
export function composeTurnPipeline(middlewares: readonly TurnMiddleware[]): TurnPipeline {
  return async (turn) => {
    const dispatch = async (i: number): Promise<void> => {
      const middleware = middlewares[i];
      if (!middleware) return;
      let called = false;
      await middleware(turn, async () => {
        // A second call would run the command twice.
        if (called) throw new Error('next() called twice in a turn middleware');
        called = true;
        await dispatch(i + 1);
      });
    };
    await dispatch(0);
    return turn.answer ?? { kind: 'none' };
  };
}
