import { manualClock } from '../../src/clock/clock';
import { RateLimiter } from '../../src/auth/rate-limiter';

describe('RateLimiter (token bucket per actor)', () => {
  it('allows a burst, then refuses with the time until the next token', () => {
    const clock = manualClock(1_000_000);
    const limiter = new RateLimiter({ perMinute: 20, burst: 10, clock });
    for (let i = 0; i < 10; i++) expect(limiter.take('alex')).toEqual({ allowed: true });
    // 20/min = one token every 3 s.
    expect(limiter.take('alex')).toEqual({ allowed: false, retryAfterMs: 3000 });
    clock.advance(1000);
    expect(limiter.take('alex')).toEqual({ allowed: false, retryAfterMs: 2000 });
    clock.advance(2000);
    expect(limiter.take('alex')).toEqual({ allowed: true });
    expect(limiter.take('alex').allowed).toBe(false);
  });

  it('keys by actor: one person being limited does not limit another', () => {
    const clock = manualClock(0);
    const limiter = new RateLimiter({ perMinute: 6, burst: 2, clock });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.remaining('b')).toBe(1);
    expect(limiter.remaining('never-seen')).toBe(2);
  });

  it('sustains exactly the configured rate over a long stream (never more)', () => {
    const clock = manualClock(0);
    const limiter = new RateLimiter({ perMinute: 20, burst: 10, clock });
    let allowed = 0;
    // One attempt every 100 ms for 10 minutes.
    for (let t = 0; t < 600_000; t += 100) {
      clock.set(t);
      if (limiter.take('spammer').allowed) allowed++;
    }
    // burst + 20/min × 10 min, give or take the token in flight at the end.
    expect(allowed).toBeGreaterThanOrEqual(10 + 199);
    expect(allowed).toBeLessThanOrEqual(10 + 200);
  });

  it('refills to the burst size and no further after a long quiet spell', () => {
    const clock = manualClock(0);
    const limiter = new RateLimiter({ perMinute: 60, burst: 3, clock });
    for (let i = 0; i < 3; i++) limiter.take('x');
    clock.advance(3_600_000);
    expect(limiter.remaining('x')).toBe(3);
    for (let i = 0; i < 3; i++) expect(limiter.take('x').allowed).toBe(true);
    expect(limiter.take('x').allowed).toBe(false);
  });

  it('a clock stepping backwards neither mints nor loses tokens', () => {
    const clock = manualClock(10_000);
    const limiter = new RateLimiter({ perMinute: 60, burst: 1, clock });
    expect(limiter.take('x').allowed).toBe(true);
    clock.set(0);
    expect(limiter.take('x').allowed).toBe(false);
    clock.set(11_000);
    expect(limiter.take('x').allowed).toBe(true);
  });

  it('bounds memory: a flood of fresh ids evicts idle actors, never grows past maxActors', () => {
    const clock = manualClock(0);
    const limiter = new RateLimiter({ perMinute: 60, burst: 2, clock, maxActors: 100 });
    limiter.take('busy');
    limiter.take('busy');
    for (let i = 0; i < 1000; i++) limiter.take(`fresh-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
  });

  it('keeps a limited actor limited while idle actors are evicted', () => {
    const clock = manualClock(0);
    const limiter = new RateLimiter({ perMinute: 1, burst: 1, clock, maxActors: 10 });
    for (let i = 0; i < 8; i++) limiter.take(`earlier-${i}`);
    clock.advance(50_000);
    expect(limiter.take('busy').allowed).toBe(true);
    clock.advance(5_000);
    // The table fills up: the fullest buckets go, and busy's is the emptiest.
    for (let i = 0; i < 5; i++) limiter.take(`new-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(10);
    expect(limiter.take('busy')).toEqual({ allowed: false, retryAfterMs: 55_000 });
  });

  it('rejects nonsense settings', () => {
    expect(() => new RateLimiter({ perMinute: 0 })).toThrow(RangeError);
    expect(() => new RateLimiter({ burst: 0 })).toThrow(RangeError);
  });
});
