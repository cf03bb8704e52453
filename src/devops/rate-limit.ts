/** Rate-limit headers as azure-devops-node-api attaches them (`result.rateLimit`). */
export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  delay?: number;
  retryAfter?: number;
}

/** Below this share of the budget we start pacing ourselves. */
const LOW_WATER = 0.1;
const MAX_PACE_MS = 1000;

/**
 * How long to pause after a successful call so we slow down before Azure DevOps starts
 * delaying or blocking us: 0 while the budget is healthy, growing to 1 s as it runs out.
 * @example slowDownMs({ limit: 200, remaining: 5 }) // 750
 */
export function slowDownMs(info: RateLimitInfo | undefined): number {
  if (!info) return 0;
  const { limit, remaining } = info;
  if (remaining === undefined || !Number.isFinite(remaining)) return 0;
  if (limit === undefined || !Number.isFinite(limit) || limit <= 0) {
    return remaining <= 0 ? MAX_PACE_MS : 0;
  }
  const share = remaining / limit;
  if (share >= LOW_WATER) return 0;
  return Math.round(MAX_PACE_MS * (1 - Math.max(0, share) / LOW_WATER));
}

/** Reads rate-limit headers from a raw response (raw REST calls). */
export function rateLimitFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): RateLimitInfo | undefined {
  const num = (name: string) => {
    const v = headers[name];
    const n = Number(Array.isArray(v) ? v[0] : v);
    return v === undefined || Number.isNaN(n) ? undefined : n;
  };
  const info: RateLimitInfo = {
    limit: num('x-ratelimit-limit'),
    remaining: num('x-ratelimit-remaining'),
    delay: num('x-ratelimit-delay'),
    retryAfter: num('retry-after'),
  };
  return Object.values(info).some((v) => v !== undefined) ? info : undefined;
}

/** The `rateLimit` node-api attached to a result, if any. */
export function rateLimitOf(result: unknown): RateLimitInfo | undefined {
  if (typeof result !== 'object' || result === null || !('rateLimit' in result)) return undefined;
  const rl = (result as { rateLimit?: unknown }).rateLimit;
  return typeof rl === 'object' && rl !== null ? (rl as RateLimitInfo) : undefined;
}
