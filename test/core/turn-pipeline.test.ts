import { composeTurnPipeline } from '../../src/core/turn-pipeline';
import type { TurnMiddleware } from '../../src/core/turn';
import { aTurn } from './turn-kit';

describe('composeTurnPipeline', () => {
  it('runs middlewares in the declared order, each around the ones after it', async () => {
    const seen: string[] = [];
    const named =
      (name: string): TurnMiddleware =>
      async (_turn, next) => {
        seen.push(`${name} in`);
        await next();
        seen.push(`${name} out`);
      };
    await composeTurnPipeline([named('a'), named('b'), named('c')])(aTurn());
    expect(seen).toEqual(['a in', 'b in', 'c in', 'c out', 'b out', 'a out']);
  });

  it('stops where a middleware answers without calling next', async () => {
    const after = jest.fn();
    const answer = await composeTurnPipeline([
      async (turn) => {
        turn.answer = { kind: 'refused', status: 429, message: 'slow down' };
      },
      after,
    ])(aTurn());
    expect(answer).toEqual({ kind: 'refused', status: 429, message: 'slow down' });
    expect(after).not.toHaveBeenCalled();
  });

  it('answers nothing when no middleware answered', async () => {
    await expect(composeTurnPipeline([])(aTurn())).resolves.toEqual({ kind: 'none' });
  });

  it('refuses a second next() (it would run the command twice)', async () => {
    const pipeline = composeTurnPipeline([
      async (_turn, next) => {
        await next();
        await next();
      },
    ]);
    await expect(pipeline(aTurn())).rejects.toThrow('next() called twice');
  });
});
