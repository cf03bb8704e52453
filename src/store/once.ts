import type { Store } from './store';

/**
 * True only the first time `id` is seen within `ttlMs`, across every replica sharing the
 * store: a create-only put in the `dedupe` collection, so exactly one caller wins.
 * @example if (!(await once(store, `activity:${activity.id}`, 24 * 3600_000))) return; // a retry
 */
export async function once(store: Store, id: string, ttlMs: number): Promise<boolean> {
  const result = await store.put('dedupe', id, 1, { etag: null, ttlMs });
  return result.ok;
}
