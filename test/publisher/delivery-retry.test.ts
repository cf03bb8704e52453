import { ChannelError } from '../../src/publisher/delivery-errors';
import { classifyDeliveryError } from '../../src/publisher/delivery-retry';
import { parseRetryAfter } from '../../src/retry/parse-retry-after';

/** Like botframework-connector's RestError: statusCode + response.headers.get. */
function restError(status: number, headers: Record<string, string> = {}) {
  const err = new Error(`fake ${status}`) as Error & Record<string, unknown>;
  err.statusCode = status;
  err.response = { status, headers: { get: (n: string) => headers[n.toLowerCase()] } };
  return err;
}

describe('parseRetryAfter', () => {
  it.each([
    ['2', 2000],
    ['0.5', 500],
    ['Thu, 26 Nov 2026 10:00:03 GMT', 3000],
    ['', undefined],
    ['soon', undefined],
  ])('%s → %s', (value, ms) => {
    expect(parseRetryAfter(value, Date.parse('2026-11-26T10:00:00Z'))).toBe(ms);
  });

  it('caps a long Retry-After', () => {
    expect(classifyDeliveryError(restError(429, { 'retry-after': '3600' }), 0, 60_000)).toEqual({
      kind: 'retryAfter',
      ms: 60_000,
      status: 429,
    });
  });

  it('sorts failures', () => {
    expect(classifyDeliveryError(restError(503), 0, 1).kind).toBe('transient');
    expect(
      classifyDeliveryError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), 0, 1).kind,
    ).toBe('transient');
    expect(classifyDeliveryError(restError(403), 0, 1).kind).toBe('permanent');
    // Failing before any request (botframework-connector's serializer, a bad URL): for good.
    expect(
      classifyDeliveryError(new Error('"activity.recipient.id" must be of type string'), 0, 1).kind,
    ).toBe('permanent');
    expect(classifyDeliveryError(new TypeError('Invalid URL'), 0, 1).kind).toBe('permanent');
    const wire = Object.assign(new Error('socket closed'), { name: 'RestError' });
    expect(classifyDeliveryError(wire, 0, 1).kind).toBe('transient');
    // A 503 that says when to come back is waited for like a 429.
    expect(classifyDeliveryError(restError(503, { 'retry-after': '2' }), 0, 60_000)).toEqual({
      kind: 'retryAfter',
      ms: 2000,
      status: 503,
    });
  });
});

describe('classifyDeliveryError on ChannelError', () => {
  it('reads what the channel said, capping its Retry-After', () => {
    const throttled = new ChannelError('throttled', '429', { status: 429, retryAfterMs: 90_000 });
    expect(classifyDeliveryError(throttled, 0, 60_000)).toEqual({
      kind: 'retryAfter',
      ms: 60_000,
      status: 429,
    });
    const refused = new ChannelError('refused', '403', { status: 403 });
    expect(classifyDeliveryError(refused, 0, 1)).toEqual({ kind: 'permanent', status: 403 });
    const down = new ChannelError('unavailable', 'socket', {});
    expect(classifyDeliveryError(down, 0, 1).kind).toBe('transient');
  });
});
