import { CallTimeoutError, classifyError, redactSecrets } from '../../src/devops/classify-error';
import { retryAfterSeconds } from '../../src/devops/rate-limit';
import { DevOpsError } from '../../src/devops/devops-port';

/** What typed-rest-client rejects with on an HTTP error. */
function httpError(status: number, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), {
    statusCode: status,
    result: { message, typeKey: 'SomeException' },
    responseHeaders: headers,
  });
}

describe('classifyError', () => {
  it.each([
    [400, 'invalidParameter', false],
    [401, 'unauthorized', false],
    [403, 'forbidden', false],
    [404, 'notFound', false],
    [409, 'conflict', false],
    [500, 'unavailable', true],
    [503, 'unavailable', true],
  ] as const)('maps HTTP %i to %s (retryable %s)', (status, code, retryable) => {
    const c = classifyError(httpError(status, 'boom'));
    expect(c.error).toBeInstanceOf(DevOpsError);
    expect(c.error.code).toBe(code);
    expect(c.retryable).toBe(retryable);
    expect(c.status).toBe(status);
  });

  it("keeps the server's message for a bad parameter", () => {
    const msg = "The value 'abc' for parameter 'modelVersion' is not a valid value.";
    expect(classifyError(httpError(400, msg)).error.message).toBe(msg);
  });

  it('reads Retry-After on 429 and says the request was not processed', () => {
    const c = classifyError(httpError(429, 'TF400733: blocked', { 'retry-after': '7' }));
    expect(c.error.code).toBe('throttled');
    expect(c.error.retryAfterSeconds).toBe(7);
    expect(c.retryable).toBe(true);
    expect(c.ambiguous).toBe(false);
  });

  it('prefers the rateLimit node-api attached', () => {
    const err = Object.assign(httpError(429, 'blocked'), { rateLimit: { retryAfter: 3 } });
    expect(classifyError(err).error.retryAfterSeconds).toBe(3);
  });

  it('treats 5xx, timeouts and resets as ambiguous, refused connections as not sent', () => {
    expect(classifyError(httpError(502, 'bad gateway')).ambiguous).toBe(true);
    expect(classifyError(new CallTimeoutError('runPipeline', 10)).ambiguous).toBe(true);
    expect(classifyError(new Error('Request timeout: /org/_apis/x')).ambiguous).toBe(true);
    expect(classifyError(Object.assign(new Error('read'), { code: 'ECONNRESET' })).ambiguous).toBe(
      true,
    );
    const refused = classifyError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }));
    expect(refused).toMatchObject({ retryable: true, ambiguous: false });
    expect(refused.error.code).toBe('unavailable');
  });

  it('does not retry unknown programming errors', () => {
    const c = classifyError(new TypeError('x is not a function'));
    expect(c.retryable).toBe(false);
    expect(c.error.code).toBe('unavailable');
  });

  it('passes DevOpsErrors through', () => {
    const e = new DevOpsError('forbidden', 'no');
    expect(classifyError(e).error).toBe(e);
  });

  it('never leaks a token in the message', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiI0OTliODRhYyJ9.c2lnbmF0dXJl';
    const c = classifyError(httpError(401, `Authorization: Bearer ${jwt} rejected`));
    expect(c.error.message).not.toContain(jwt);
    expect(c.error.message).toContain('[redacted]');
    expect(redactSecrets(`Basic OnNlY3JldHBhdA== and ${jwt}`)).not.toMatch(
      /OnNlY3JldHBhdA|eyJhbGci/,
    );
  });
});

describe('retryAfterSeconds', () => {
  it('accepts delta-seconds and HTTP dates', () => {
    expect(retryAfterSeconds({ 'retry-after': '12' })).toBe(12);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(
      retryAfterSeconds({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, undefined, now),
    ).toBe(30);
    expect(retryAfterSeconds({})).toBeUndefined();
    expect(retryAfterSeconds({ 'retry-after': 'soon' })).toBeUndefined();
  });
});
