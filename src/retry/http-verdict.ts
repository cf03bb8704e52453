import type { FailureVerdict } from './retry';
import { headerValue, parseRetryAfter, type HeaderBag } from './parse-retry-after';

/** Socket failures worth another try (the request may or may not have reached the server). */
export const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'UND_ERR_SOCKET',
]);

/**
 * The usual "which HTTP failures are retriable" hook: 429, 408 and 5xx (with their Retry-After)
 * and dropped connections; anything else is final. Reads `statusCode` or `response.status`, and
 * headers from `responseHeaders` (typed-rest-client) or `response.headers` (ms-rest, fetch).
 * @example await retry(() => send(), { budgetMs: 4000 }, { classify: (e) => httpVerdict(e) });
 */
export function httpVerdict(
  err: unknown,
  now: number = Date.now(),
): FailureVerdict & { status?: number } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    statusCode?: unknown;
    code?: unknown;
    responseHeaders?: HeaderBag;
    response?: { status?: unknown; headers?: HeaderBag };
  };
  const status =
    typeof e.statusCode === 'number'
      ? e.statusCode
      : typeof e.response?.status === 'number'
        ? e.response.status
        : undefined;
  if (status !== undefined) {
    const retryable = status === 429 || status === 408 || status >= 500;
    const after = parseRetryAfter(
      headerValue(e.responseHeaders ?? e.response?.headers, 'retry-after'),
      now,
    );
    return { retryable, status, ...(retryable && after !== undefined && { retryAfterMs: after }) };
  }
  return { retryable: typeof e.code === 'string' && NETWORK_CODES.has(e.code) };
}
