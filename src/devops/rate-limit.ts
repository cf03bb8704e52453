import { retryAfterMs } from '../retry/parse-retry-after';

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
/** The longest wait a Retry-After can impose on one call (the service's own delays reach 30 s). */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * How long to pause after a successful call: the server's Retry-After when it sends one (on a
 * 200 too), else 0 while the X-RateLimit budget is healthy, growing to 1 s as it runs out.
 * @example slowDownMs({ limit: 200, remaining: 5 }) // 750
 */
export function slowDownMs(info: RateLimitInfo | undefined): number {
  if (!info) return 0;
  // Retry-After on a success too: the service asks us to wait before the next request.
  if (info.retryAfter !== undefined && Number.isFinite(info.retryAfter) && info.retryAfter > 0) {
    return Math.min(info.retryAfter * 1000, MAX_RETRY_AFTER_MS);
  }
  const { limit, remaining } = info;
  if (remaining === undefined || !Number.isFinite(remaining)) return 0;
  if (limit === undefined || !Number.isFinite(limit) || limit <= 0) {
    return remaining <= 0 ? MAX_PACE_MS : 0;
  }
  const share = remaining / limit;
  if (share >= LOW_WATER) return 0;
  return Math.round(MAX_PACE_MS * (1 - Math.max(0, share) / LOW_WATER));
}

/**
 * Retry-After in seconds (delta-seconds or an HTTP date), from node-api's `rateLimit` or the raw
 * headers, for every status, 200 included; the parsing itself is the retry kit's.
 * @example retryAfterSeconds({ 'retry-after': '5' }) // 5
 */
export function retryAfterSeconds(
  headers: Record<string, unknown> | undefined,
  rateLimit?: { retryAfter?: number },
  now: number = Date.now(),
): number | undefined {
  if (rateLimit?.retryAfter !== undefined && Number.isFinite(rateLimit.retryAfter)) {
    return Math.max(0, rateLimit.retryAfter);
  }
  const ms = retryAfterMs(headers, now);
  return ms === undefined ? undefined : Math.ceil(ms / 100) / 10;
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
    retryAfter: retryAfterSeconds(headers),
  };
  return Object.values(info).some((v) => v !== undefined) ? info : undefined;
}

/** The `rateLimit` node-api attached to a result, if any. */
export function rateLimitOf(result: unknown): RateLimitInfo | undefined {
  if (typeof result !== 'object' || result === null || !('rateLimit' in result)) return undefined;
  const rl = (result as { rateLimit?: unknown }).rateLimit;
  return typeof rl === 'object' && rl !== null ? (rl as RateLimitInfo) : undefined;
}

/** Rate-limit info of a raw REST response (`{ headers }`). */
export function rateLimitOfResponse(res: { headers: unknown }): RateLimitInfo | undefined {
  const h = res.headers;
  return typeof h === 'object' && h !== null
    ? rateLimitFromHeaders(h as Record<string, string | string[] | undefined>)
    : undefined;
}
