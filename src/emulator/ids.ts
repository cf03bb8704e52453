import { createHash, randomUUID } from 'node:crypto';

/**
 * A stable GUID for a name (UUID v5 layout over SHA-1), so seeded ids survive restarts.
 * @example deterministicGuid('identity:alex@contoso.com')
 */
export function deterministicGuid(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** A fresh random GUID (event ids, subscription ids). */
export function randomGuid(): string {
  return randomUUID();
}

/** ISO-8601 with the seven fractional digits Azure DevOps writes. */
export function adoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}
