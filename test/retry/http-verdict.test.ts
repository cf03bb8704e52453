import { httpVerdict } from '../../src/retry/http-verdict';

const httpError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { statusCode: status, responseHeaders: headers });

describe('httpVerdict', () => {
  it('retries 429, 408, 5xx and dropped connections; nothing else', () => {
    expect(httpVerdict(httpError(429, { 'Retry-After': '3' }))).toEqual({
      retryable: true,
      status: 429,
      retryAfterMs: 3000,
    });
    expect(httpVerdict(httpError(408)).retryable).toBe(true);
    expect(
      httpVerdict({ response: { status: 503, headers: new Headers({ 'retry-after': '1' }) } }),
    ).toEqual({ retryable: true, status: 503, retryAfterMs: 1000 });
    expect(httpVerdict(httpError(404, { 'retry-after': '3' }))).toEqual({
      retryable: false,
      status: 404,
    });
    expect(httpVerdict(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).retryable).toBe(
      true,
    );
    expect(httpVerdict(new TypeError('bad url')).retryable).toBe(false);
  });
});
