import { rateLimitFromHeaders, rateLimitOf, slowDownMs } from '../../src/devops/rate-limit';

describe('slowDownMs', () => {
  it('does nothing while the budget is healthy or unknown', () => {
    expect(slowDownMs(undefined)).toBe(0);
    expect(slowDownMs({ limit: 200, remaining: 150 })).toBe(0);
    expect(slowDownMs({ limit: 200, remaining: 20 })).toBe(0);
  });
  it('slows down more as the budget runs out', () => {
    const a = slowDownMs({ limit: 200, remaining: 15 });
    const b = slowDownMs({ limit: 200, remaining: 5 });
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    expect(slowDownMs({ limit: 200, remaining: 0 })).toBe(1000);
    expect(slowDownMs({ remaining: 0 })).toBe(1000);
  });
  it('honours Retry-After on a successful answer, capped at 30 s', () => {
    expect(slowDownMs({ retryAfter: 3, limit: 200, remaining: 150 })).toBe(3000);
    expect(slowDownMs({ retryAfter: 3600 })).toBe(30_000);
    expect(slowDownMs({ retryAfter: 0, limit: 200, remaining: 150 })).toBe(0);
  });
});

describe('rate-limit readers', () => {
  it('reads raw headers', () => {
    expect(
      rateLimitFromHeaders({ 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': '3' }),
    ).toMatchObject({ limit: 200, remaining: 3 });
    expect(rateLimitFromHeaders({ 'content-type': 'application/json' })).toBeUndefined();
    const inTwoSeconds = new Date(Date.now() + 2000).toUTCString();
    expect(rateLimitFromHeaders({ 'retry-after': inTwoSeconds })?.retryAfter).toBeGreaterThan(0);
  });
  it('reads what node-api attached to a result', () => {
    const arr = Object.assign([1], { rateLimit: { remaining: 1, limit: 10 } });
    expect(rateLimitOf(arr)).toEqual({ remaining: 1, limit: 10 });
    expect(rateLimitOf({})).toBeUndefined();
    expect(rateLimitOf(null)).toBeUndefined();
  });
});
