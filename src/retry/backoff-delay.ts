/** How the wait between attempts grows. */
export interface BackoffOptions {
  /** First step. */
  baseDelayMs: number;
  /** Cap on one computed wait. */
  maxDelayMs: number;
}

/**
 * Wait before retry number `attempt` (1-based): exponential (`base · 2^(attempt-1)`, capped)
 * with "equal jitter" (half fixed, half random) so replicas that failed together spread out
 * but none retries at once.
 * @example backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 0) // 200
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
