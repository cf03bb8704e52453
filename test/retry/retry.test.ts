import { manualClock } from '../../src/clock/clock';
import { httpVerdict } from '../../src/retry/http-verdict';
import { retry, retryOutcome } from '../../src/retry/retry';

const httpError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { statusCode: status, responseHeaders: headers });

/** A sleep that moves a manual clock, so budgets are checked against the time waited. */
function timeline() {
  const clock = manualClock(0);
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  return { clock, sleeps, deps: { sleep, now: clock.now, random: () => 0, classify: httpVerdict } };
}

/** An op failing with the given errors in turn, then answering 'ok'. */
function failing(...errors: unknown[]) {
  let calls = 0;
  const op = async () => {
    const err = errors[calls++];
    if (err) throw err;
    return 'ok';
  };
  return { op, calls: () => calls };
}

describe('retry', () => {
  it('backs off exponentially with jitter on 5xx and network failures, then succeeds', async () => {
    const t = timeline();
    const f = failing(httpError(503), Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    await expect(retry(f.op, { baseDelayMs: 100 }, t.deps)).resolves.toBe('ok');
    expect(f.calls()).toBe(3);
    expect(t.sleeps).toEqual([50, 100]); // equal jitter, random() = 0: half of 100, 200
  });

  it("waits the server's Retry-After, cut to maxRetryAfterMs", async () => {
    const t = timeline();
    const f = failing(
      httpError(429, { 'retry-after': '2' }),
      httpError(429, { 'retry-after': '600' }),
    );
    await retry(f.op, { maxRetryAfterMs: 10_000 }, t.deps);
    expect(t.sleeps).toEqual([2000, 10_000]);
  });

  it('throws a final failure at once, as thrown', async () => {
    const t = timeline();
    const bad = httpError(400);
    await expect(retry(failing(bad).op, {}, t.deps)).rejects.toBe(bad);
    expect(t.sleeps).toEqual([]);
  });

  it('tells op about the previous failure', async () => {
    const t = timeline();
    const seen: (number | undefined)[] = [];
    const f = failing(httpError(502));
    await retry<string, ReturnType<typeof httpVerdict>>(
      async (_attempt, previous) => {
        seen.push(previous?.status);
        return f.op();
      },
      {},
      t.deps,
    );
    expect(seen).toEqual([undefined, 502]);
  });
});

describe('retryOutcome', () => {
  it('gives up after maxAttempts with the last error and when to try again', async () => {
    const t = timeline();
    const last = httpError(503, { 'retry-after': '9' });
    const out = await retryOutcome(failing(httpError(503), last).op, { maxAttempts: 2 }, t.deps);
    expect(out).toMatchObject({ ok: false, error: last, attempts: 2, reason: 'attempts' });
    expect(!out.ok && out.retryAfterMs).toBe(9000);
  });

  it('stops when the next wait would overrun the budget, waits included', async () => {
    const t = timeline();
    const f = failing(httpError(500), httpError(500), httpError(500), httpError(500));
    const out = await retryOutcome(
      f.op,
      { baseDelayMs: 1000, maxAttempts: 10, budgetMs: 2000 },
      t.deps,
    );
    // waits 500 then 1000 (1500 in all); the next (2000) would end past 2000.
    expect(t.sleeps).toEqual([500, 1000]);
    expect(out).toMatchObject({ ok: false, reason: 'budget', attempts: 3, retryAfterMs: 2000 });
  });

  it('a Retry-After longer than the budget gives up at once, suggesting that time', async () => {
    const t = timeline();
    const out = await retryOutcome(
      failing(httpError(429, { 'retry-after': '120' })).op,
      { budgetMs: 4000, maxRetryAfterMs: 60_000 },
      t.deps,
    );
    expect(t.sleeps).toEqual([]);
    expect(out).toMatchObject({ ok: false, reason: 'budget', attempts: 1, retryAfterMs: 120_000 });
  });

  it('reports success with the attempts it took', async () => {
    const t = timeline();
    await expect(retryOutcome(failing(httpError(500)).op, {}, t.deps)).resolves.toEqual({
      ok: true,
      value: 'ok',
      attempts: 2,
    });
  });
});
