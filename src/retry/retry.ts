import { backoffDelay } from './backoff-delay';

/** How hard to try. Every field has a default, so `{}` is a sensible policy. */
export interface RetryPolicy {
  /** Tries including the first. Default 4. */
  maxAttempts?: number;
  /** First backoff step; doubles per attempt. Default 250 ms. */
  baseDelayMs?: number;
  /** Cap on one computed backoff. Default 30 s. */
  maxDelayMs?: number;
  /** Cap on a server's Retry-After (a longer one is cut to it). Default `maxDelayMs`. */
  maxRetryAfterMs?: number;
  /**
   * Longest the whole thing may take, waits included: a retry whose wait would end past it is
   * not made. Default: no budget (attempts alone bound it).
   */
  budgetMs?: number;
}

/** What the caller's hook says about one failure. */
export interface FailureVerdict {
  /** Worth another try (throttling, 5xx, a dropped connection…). */
  retryable: boolean;
  /** The server's Retry-After, in ms (see `parseRetryAfter`), when it sent one. */
  retryAfterMs?: number;
}

export interface RetryDeps<F extends FailureVerdict> {
  /** Which failures are retriable, and how long the server asked to wait. */
  classify(err: unknown): F;
  sleep?(ms: number): Promise<void>;
  /** [0, 1); tests pin it for exact delays. */
  random?(): number;
  /** For the budget; tests pass a fake clock's `now`. */
  now?(): number;
  onRetry?(info: { attempt: number; delayMs: number; failure: F }): void;
}

/** How `retryOutcome` ended. */
export type RetryOutcome<T, F> =
  | { ok: true; value: T; attempts: number }
  | {
      ok: false;
      /** The last thing `op` threw, as thrown. */
      error: unknown;
      failure: F;
      attempts: number;
      /** `notRetryable`: the hook said so; `attempts`/`budget`: we ran out of either. */
      reason: 'notRetryable' | 'attempts' | 'budget';
      /** When a later try makes sense (ms from now), for a caller that defers (an outbox). */
      retryAfterMs?: number;
    };

export const DEFAULT_POLICY: Required<Omit<RetryPolicy, 'maxRetryAfterMs' | 'budgetMs'>> = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
};

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs `op` until it succeeds, a failure is not retriable, attempts run out or the next wait
 * would overrun the budget; waits the server's Retry-After when it gave one, else exponential
 * backoff with jitter. Never throws what `op` threw: the outcome carries it, with a suggested
 * time to try again, so a caller can hand the work to an outbox instead of failing.
 * `op` learns the previous failure, so a write can look for its own effect before repeating.
 * @example
 *   const out = await retryOutcome(() => send(activity), { budgetMs: 4000 }, { classify: httpVerdict });
 *   if (!out.ok) await outbox.defer(activity, { notBefore: now + (out.retryAfterMs ?? 0) });
 */
export async function retryOutcome<T, F extends FailureVerdict>(
  op: (attempt: number, previous?: F) => Promise<T>,
  policy: RetryPolicy,
  deps: RetryDeps<F>,
): Promise<RetryOutcome<T, F>> {
  const p = { ...DEFAULT_POLICY, ...definedOnly(policy) };
  const maxAttempts = Math.max(1, Math.floor(p.maxAttempts));
  const maxRetryAfterMs = p.maxRetryAfterMs ?? p.maxDelayMs;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const deadline = p.budgetMs === undefined ? Infinity : now() + p.budgetMs;
  let previous: F | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await op(attempt, previous), attempts: attempt };
    } catch (error) {
      const failure = deps.classify(error);
      const delayMs =
        failure.retryAfterMs !== undefined
          ? Math.min(maxRetryAfterMs, Math.max(0, failure.retryAfterMs))
          : backoffDelay(attempt, p, deps.random);
      const reason = !failure.retryable
        ? 'notRetryable'
        : attempt >= maxAttempts
          ? 'attempts'
          : now() + delayMs > deadline
            ? 'budget'
            : undefined;
      if (reason) {
        const retryAfterMs = failure.retryable ? (failure.retryAfterMs ?? delayMs) : undefined;
        return {
          ok: false,
          error,
          failure,
          attempts: attempt,
          reason,
          ...(retryAfterMs !== undefined && { retryAfterMs }),
        };
      }
      deps.onRetry?.({ attempt, delayMs, failure });
      await sleep(delayMs);
      previous = failure;
    }
  }
}

/**
 * `retryOutcome` for callers that want the value or the last error thrown.
 * @example const build = await retry(() => api.getBuild(p, 1), { maxAttempts: 3 }, { classify });
 */
export async function retry<T, F extends FailureVerdict>(
  op: (attempt: number, previous?: F) => Promise<T>,
  policy: RetryPolicy,
  deps: RetryDeps<F>,
): Promise<T> {
  const out = await retryOutcome(op, policy, deps);
  if (out.ok) return out.value;
  throw out.error;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
