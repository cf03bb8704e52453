import { DevOpsError } from '../../src/devops/devops-port';
import { backoffDelay, DEFAULT_RETRY, withRetry } from '../../src/devops/retry-policy';

function recorder() {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}
const httpError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { statusCode: status, responseHeaders: headers });

describe('withRetry', () => {
  it('retries 5xx with exponential backoff and returns the eventual result', async () => {
    const { sleeps, sleep } = recorder();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw httpError(503);
        return 'ok';
      },
      { baseDelayMs: 100, maxAttempts: 5 },
      { sleep, random: () => 0 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    // equal jitter with random()=0 gives exactly half of 100, 200
    expect(sleeps).toEqual([50, 100]);
  });

  it("waits the server's Retry-After on 429", async () => {
    const { sleeps, sleep } = recorder();
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls === 1) throw httpError(429, { 'retry-after': '2' });
        return 1;
      },
      {},
      { sleep, random: () => 0.5 },
    );
    expect(sleeps).toEqual([2000]);
  });

  it('gives up after maxAttempts with the mapped DevOpsError', async () => {
    const { sleeps, sleep } = recorder();
    let calls = 0;
    const p = withRetry(
      async () => {
        calls++;
        throw httpError(503);
      },
      { maxAttempts: 3, baseDelayMs: 10 },
      { sleep },
    );
    await expect(p).rejects.toMatchObject({ code: 'unavailable' });
    await expect(p).rejects.toBeInstanceOf(DevOpsError);
    expect(calls).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry client errors', async () => {
    const { sleeps, sleep } = recorder();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw httpError(400);
        },
        {},
        { sleep },
      ),
    ).rejects.toMatchObject({ code: 'invalidParameter' });
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('tells the next attempt about an earlier ambiguous failure, even after a clear 429', async () => {
    const { sleep } = recorder();
    const seen: (boolean | undefined)[] = [];
    let calls = 0;
    await withRetry(
      async (_attempt, previous) => {
        seen.push(previous?.ambiguous);
        calls++;
        if (calls === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        if (calls === 2) throw httpError(429, { 'retry-after': '0' });
        return 'done';
      },
      {},
      { sleep },
    );
    expect(seen).toEqual([undefined, true, true]);
  });
});

describe('backoffDelay', () => {
  const opts = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
  const failure = { error: new DevOpsError('unavailable', 'x') };
  it('grows exponentially, jitters within [half, full], and is capped', () => {
    expect(backoffDelay(1, failure, opts, () => 0)).toBe(50);
    expect(backoffDelay(1, failure, opts, () => 0.999)).toBeCloseTo(100, -1);
    expect(backoffDelay(3, failure, opts, () => 0)).toBe(200);
    expect(backoffDelay(10, failure, opts, () => 1)).toBe(1000);
  });
  it('caps a huge Retry-After at maxDelayMs', () => {
    const throttled = { error: new DevOpsError('throttled', 'x', 3600) };
    expect(backoffDelay(1, throttled, opts, () => 0)).toBe(1000);
  });
});
