import { classifyError, type ClassifiedError } from './classify-error';

export interface RetryOptions {
  /** Total tries including the first. Default 4. */
  maxAttempts?: number;
  /** First backoff step. Default 250 ms. */
  baseDelayMs?: number;
  /** Cap on any single wait, including a server's Retry-After. Default 30 s. */
  maxDelayMs?: number;
}

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  /** [0, 1); injectable so tests see exact delays. */
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; failure: ClassifiedError }) => void;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
};

/**
 * Runs `op` until it succeeds, a failure is not retryable, or attempts run out; throws the
 * final failure as a `DevOpsError`. `op` learns about the previous failure so a write can look
 * for its own effect before repeating itself.
 * @example
 *   await withRetry((attempt, last) => client.getBuild(p, id), { maxAttempts: 3 }, { sleep });
 */
export async function withRetry<T>(
  op: (attempt: number, previous?: ClassifiedError) => Promise<T>,
  options: RetryOptions,
  deps: RetryDeps,
): Promise<T> {
  const opts = { ...DEFAULT_RETRY, ...definedOnly(options) };
  const maxAttempts = Math.max(1, Math.floor(opts.maxAttempts));
  let previous: ClassifiedError | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt, previous);
    } catch (err) {
      const failure = classifyError(err);
      if (!failure.retryable || attempt >= maxAttempts) throw failure.error;
      const delayMs = backoffDelay(attempt, failure, opts, deps.random ?? Math.random);
      deps.onRetry?.({ attempt, delayMs, failure });
      await deps.sleep(delayMs);
      // An ambiguous failure stays relevant until a later attempt answers clearly.
      previous = failure.ambiguous || !previous?.ambiguous ? failure : previous;
    }
  }
}

/**
 * Wait before retry number `attempt` (1-based): the server's Retry-After when given, else
 * exponential backoff with "equal jitter" (half fixed, half random) so replicas spread out.
 */
export function backoffDelay(
  attempt: number,
  failure: Pick<ClassifiedError, 'error'>,
  opts: Required<RetryOptions>,
  random: () => number,
): number {
  const after = failure.error.retryAfterSeconds;
  if (after !== undefined) return Math.min(opts.maxDelayMs, Math.max(0, after * 1000));
  const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

function definedOnly(o: RetryOptions): RetryOptions {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
