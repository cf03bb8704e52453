import { backoffDelay } from '../retry/backoff-delay';
import { headerValue, parseRetryAfter, type HeaderBag } from '../retry/parse-retry-after';
import { NETWORK_CODES } from '../retry/http-verdict';
import { retryOutcome } from '../retry/retry';
import { ChannelError, DeliveryFailedError } from './delivery-errors';

/**
 * The publisher's whole retry policy in one place: how a failure is sorted, how long to wait
 * (Retry-After, capped; else exponential backoff) and whether the wait still fits the budget.
 */

/** How a failed call is treated: wait the server's time, back off, or give up. */
export type Failure =
  | { kind: 'retryAfter'; ms: number; status: number }
  | { kind: 'transient'; status?: number }
  | { kind: 'permanent'; status?: number };

export interface RetryPolicy {
  /** Attempts per send before the outbox takes over (default 4). */
  maxAttempts?: number;
  /** First backoff for 5xx and dropped connections; doubles each time (default 500 ms). */
  baseDelayMs?: number;
  /** Longest backoff between attempts (default 30 s). */
  maxDelayMs?: number;
  /** A Retry-After longer than this is cut to it (default 60 s). */
  maxRetryAfterMs?: number;
  /**
   * Longest total wait between inline attempts (default 10 s): a send that would wait longer
   * goes to the outbox at once, so one long `Retry-After` does not hold up every other card.
   */
  inlineBudgetMs?: number;
}

function headerOf(err: unknown, name: string): string | undefined {
  return headerValue(
    (err as { response?: { headers?: HeaderBag } } | null)?.response?.headers,
    name,
  );
}

/**
 * Sorts a failed HTTP call. A `ChannelError` says what it is; anything else is read the way
 * HTTP clients throw: a `statusCode` (or `response.status`) and `response.headers` (a plain
 * object or one with `get`), or a socket error `code`.
 * @example classifyDeliveryError(new ChannelError('throttled', '429', { status: 429, retryAfterMs: 2000 }), now, 60_000)
 */
export function classifyDeliveryError(err: unknown, now: number, maxRetryAfterMs: number): Failure {
  if (err instanceof DeliveryFailedError) return { kind: 'permanent', status: err.status };
  if (err instanceof ChannelError) {
    if (err.code === 'refused' || err.code === 'gone')
      return { kind: 'permanent', status: err.status };
    if (err.code === 'throttled' || err.retryAfterMs !== undefined) {
      const ms = Math.min(err.retryAfterMs ?? 1000, maxRetryAfterMs);
      return { kind: 'retryAfter', ms, status: err.status ?? 429 };
    }
    return { kind: 'transient', status: err.status };
  }
  const e = (err ?? {}) as {
    statusCode?: unknown;
    code?: unknown;
    response?: { status?: unknown };
  };
  const status =
    typeof e.statusCode === 'number'
      ? e.statusCode
      : typeof e.response?.status === 'number'
        ? e.response.status
        : undefined;
  const retryAfter = parseRetryAfter(headerOf(err, 'retry-after'), now);
  // A 503 may say when to come back too; without it, 5xx back off exponentially.
  if (status === 429 || (status === 503 && retryAfter !== undefined)) {
    return { kind: 'retryAfter', ms: Math.min(retryAfter ?? 1000, maxRetryAfterMs), status };
  }
  if (status !== undefined && (status >= 500 || status === 408))
    return { kind: 'transient', status };
  if (status !== undefined && status >= 400) return { kind: 'permanent', status };
  // The connector client's own name for a request that never got an answer counts as one too.
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || e.code === 'REQUEST_SEND_ERROR'))
    return { kind: 'transient' };
  // A malformed URL or message fails the same way every time. (By name: errors from Node's
  // core are not `instanceof` another realm's TypeError, e.g. under jest.)
  if ((err as Error | null)?.name === 'TypeError') return { kind: 'permanent' };
  // A client failing before any request (a message it cannot serialize, a missing id) throws a
  // plain Error, the same way every time; what came from the wire is kept for later instead.
  if ((err as Error | null)?.name === 'Error' && e.code === undefined) return { kind: 'permanent' };
  return { kind: 'transient' };
}

/**
 * The wait before attempt `attempt + 1` after a 5xx or a dropped connection.
 * @example backoffMs(3, { baseDelayMs: 500 }) // 2000
 */
export function backoffMs(attempt: number, policy: RetryPolicy = {}): number {
  // Without jitter: a card's retries keep their order behind the ones before it.
  const options = {
    baseDelayMs: policy.baseDelayMs ?? 500,
    maxDelayMs: policy.maxDelayMs ?? 30_000,
  };
  return backoffDelay(attempt, options, () => 1);
}

/**
 * Runs `attempt` until it succeeds, a failure is permanent, the attempts are used up or the
 * next wait would overrun `budgetMs`. Resolves `{ ok: true, value }`, or `{ ok: false }` with
 * the last error for the caller to hand to the outbox; a permanent failure is thrown as a
 * `DeliveryFailedError`.
 * @example const r = await withinBudget(() => channel.send(id, payload), { now, sleep, policy, onRetry });
 */
export async function withinBudget<T>(
  attempt: () => Promise<T>,
  opts: {
    now(): number;
    sleep(ms: number): Promise<void>;
    policy: RetryPolicy;
    what: string;
    /** Defaults to the policy's inline budget. */
    budgetMs?: number;
    onRetry?(info: { attempt: number; delay: number; status?: number }): void;
  },
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  const { policy } = opts;
  // The budget is time spent waiting between attempts (not the attempts' own time), so the
  // kit's clock is the sum of the waits.
  let waited = 0;
  const out = await retryOutcome(
    () => attempt(),
    {
      maxAttempts: policy.maxAttempts ?? 4,
      baseDelayMs: policy.baseDelayMs ?? 500,
      maxDelayMs: policy.maxDelayMs ?? 30_000,
      maxRetryAfterMs: policy.maxRetryAfterMs ?? 60_000,
      budgetMs: opts.budgetMs ?? policy.inlineBudgetMs ?? 10_000,
    },
    {
      classify: (err) => {
        const failure = classifyDeliveryError(err, opts.now(), policy.maxRetryAfterMs ?? 60_000);
        return {
          failure,
          retryable: failure.kind !== 'permanent',
          ...(failure.kind === 'retryAfter' && { retryAfterMs: failure.ms }),
        };
      },
      now: () => waited,
      random: () => 1,
      sleep: async (ms) => {
        waited += ms;
        await opts.sleep(ms);
      },
      onRetry: ({ attempt: n, delayMs, failure: { failure } }) =>
        opts.onRetry?.({
          attempt: n,
          delay: delayMs,
          ...(failure.status !== undefined && { status: failure.status }),
        }),
    },
  );
  if (out.ok) return { ok: true, value: out.value };
  const { failure } = out.failure;
  if (failure.kind === 'permanent') {
    const err = out.error;
    throw err instanceof DeliveryFailedError
      ? err
      : new DeliveryFailedError(
          `the channel refused the ${opts.what} (${failure.status ?? 'error'})${
            err instanceof ChannelError ? `: ${err.message}` : ''
          }`,
          failure.status,
          err,
        );
  }
  return { ok: false, error: out.error };
}
