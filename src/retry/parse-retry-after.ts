/**
 * Reads a `Retry-After` value (RFC 9110 §10.2.3: delta-seconds, or an HTTP-date) as
 * milliseconds from `now`; undefined when absent or unreadable. A date in the past is 0.
 * Fractional seconds are accepted: some services (and azure-devops-node-api's `rateLimit`) send them.
 * @example parseRetryAfter('2', 0) // 2000
 * @example parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:58 GMT')) // 2000
 */
export function parseRetryAfter(
  value: string | number | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? Math.round(Math.max(0, value) * 1000) : undefined;
  }
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // Only a date may follow: "-5" or "soon" is not a delay, and Date.parse would guess at it.
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Header bags as the HTTP clients hand them over: Node's records, or fetch/ms-rest `get()`. */
export type HeaderBag = Record<string, unknown> | { get(name: string): unknown } | undefined | null;

/**
 * One header of a response, whatever the client's shape (case-insensitive for records, first
 * value of a repeated header).
 * @example headerValue({ 'retry-after': ['5'] }, 'Retry-After') // '5'
 */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const lower = name.toLowerCase();
  let raw: unknown;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    raw = (headers as { get(n: string): unknown }).get(lower);
  } else {
    const rec = headers as Record<string, unknown>;
    raw =
      rec[lower] ?? rec[name] ?? Object.entries(rec).find(([k]) => k.toLowerCase() === lower)?.[1];
  }
  const first = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
  return typeof first === 'string' ? first : typeof first === 'number' ? String(first) : undefined;
}

/**
 * The `Retry-After` of a response's headers, in milliseconds from `now`.
 * @example retryAfterMs({ 'retry-after': '5' }) // 5000
 */
export function retryAfterMs(headers: HeaderBag, now: number = Date.now()): number | undefined {
  return parseRetryAfter(headerValue(headers, 'retry-after'), now);
}
