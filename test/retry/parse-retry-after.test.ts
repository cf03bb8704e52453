import { headerValue, parseRetryAfter, retryAfterMs } from '../../src/retry/parse-retry-after';

describe('parseRetryAfter', () => {
  const now = Date.parse('Thu, 01 Jan 2026 00:00:00 GMT');

  it('reads delta-seconds, fractions included', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter(3, now)).toBe(3000);
  });

  it('reads an HTTP-date as the time left until it, never negative', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('ignores what is neither', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(Number.NaN, now)).toBeUndefined();
  });
});

describe('headerValue / retryAfterMs', () => {
  it('reads records case-insensitively, arrays and get() bags', () => {
    expect(headerValue({ 'Retry-After': '5' }, 'retry-after')).toBe('5');
    expect(headerValue({ 'retry-after': ['7', '9'] }, 'Retry-After')).toBe('7');
    expect(headerValue(new Headers({ 'Retry-After': '4' }), 'retry-after')).toBe('4');
    expect(headerValue(undefined, 'retry-after')).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': '5' })).toBe(5000);
    expect(retryAfterMs({})).toBeUndefined();
  });
});
