import { RateLimiter } from '../../../src/auth/rate-limiter';
import { rateLimit } from '../../../src/core/middleware/rate-limit';
import { aTurn, kit, recordingNext } from '../turn-kit';

describe('rate-limit middleware', () => {
  const limited = () => {
    const { clock } = kit();
    return rateLimit(new RateLimiter({ perMinute: 1, burst: 1, clock }));
  };

  it('runs a turn while the person has tokens, then answers a message with slow down', async () => {
    const middleware = limited();
    const first = aTurn();
    const ran = recordingNext(first);
    await middleware(first, ran.next);
    expect(ran.calls).toEqual(['next']);
    const second = aTurn();
    const held = recordingNext(second);
    await middleware(second, held.next);
    expect(held.calls).toEqual([]);
    expect(JSON.stringify(second.answer)).toContain('Slow down a little');
    expect(second.undone).toBe(false);
  });

  it('answers a click with 429 and lets its retry run later (undone)', async () => {
    const middleware = limited();
    await middleware(aTurn(), async () => undefined);
    const click = aTurn({ kind: 'cardAction' });
    await middleware(click, async () => undefined);
    expect(click.answer).toMatchObject({ kind: 'refused', status: 429 });
    expect(click.undone).toBe(true);
  });

  it('is a pass-through without a limiter', async () => {
    const turn = aTurn();
    const { calls, next } = recordingNext(turn);
    await rateLimit(undefined)(turn, next);
    expect(calls).toEqual(['next']);
  });
});
