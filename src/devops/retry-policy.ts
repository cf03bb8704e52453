import { retryOutcome, DEFAULT_POLICY, type RetryPolicy } from '../retry/retry';
import { backoffDelay as kitBackoff } from '../retry/backoff-delay';
import { classifyError, type ClassifiedError } from './classify-error';

/** Azure DevOps calls retry with the kit's policy (no budget: each call has its deadline). */
export type RetryOptions = Pick<RetryPolicy, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'>;

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  /** [0, 1); injectable so tests see exact delays. */
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; failure: ClassifiedError }) => void;
}

export const DEFAULT_RETRY: Required<RetryOptions> = DEFAULT_POLICY;

/**
 * The retry kit (`src/retry`) with Azure DevOps' failure rules (`classifyError`): runs `op`
 * until it succeeds, a failure is not retryable, or attempts run out; throws the final failure
 * as a `DevOpsError`. `op` learns about the previous failure so a write can look for its own
 * effect before repeating itself; an ambiguous failure stays "previous" until a later attempt
 * answers clearly.
 * @example
 *   await withRetry((attempt, last) => client.getBuild(p, id), { maxAttempts: 3 }, { sleep });
 */
export async function withRetry<T>(
  op: (attempt: number, previous?: ClassifiedError) => Promise<T>,
  options: RetryOptions,
  deps: RetryDeps,
): Promise<T> {
  let sticky: ClassifiedError | undefined;
  const out = await retryOutcome<T, ClassifiedError>(
    (attempt, last) => {
      if (last) sticky = last.ambiguous || !sticky?.ambiguous ? last : sticky;
      return op(attempt, sticky);
    },
    options,
    {
      classify: classifyError,
      sleep: deps.sleep,
      ...(deps.random && { random: deps.random }),
      ...(deps.onRetry && { onRetry: deps.onRetry }),
    },
  );
  if (out.ok) return out.value;
  throw out.failure.error;
}

/**
 * Wait before retry number `attempt` (1-based): the server's Retry-After when given (capped at
 * `maxDelayMs`), else the kit's exponential backoff with jitter.
 */
export function backoffDelay(
  attempt: number,
  failure: Pick<ClassifiedError, 'error'>,
  opts: Required<RetryOptions>,
  random: () => number,
): number {
  const after = failure.error.retryAfterSeconds;
  if (after !== undefined) return Math.min(opts.maxDelayMs, Math.max(0, after * 1000));
  return kitBackoff(attempt, opts, random);
}
