import type { Store, StoredDoc } from './store';

export interface UpdateDocOptions {
  /** Extra attempts after a conflict (another writer got in between). Default 5. */
  retries?: number;
  /** Time to live of the written document; omitted = no expiry. */
  ttlMs?: number;
}

/**
 * Read-modify-write with compare-and-set, retried on conflict. `fn` gets the current value
 * (undefined when absent) and returns the next one, or undefined to leave the document as it
 * is. `fn` may run several times, so it must not have side effects.
 * Resolves the document as written, or — when `fn` declined or the retries ran out — the
 * document as it currently is (what the conflict left).
 * @example const doc = await updateDoc(store, 'locks', 'prod', (lock) => lock ?? { by: 'ana' });
 */
export async function updateDoc<T>(
  store: Store,
  collection: string,
  key: string,
  fn: (current: T | undefined, doc: StoredDoc<T> | undefined) => T | undefined,
  options: UpdateDocOptions = {},
): Promise<StoredDoc<T> | undefined> {
  const attempts = 1 + Math.max(0, options.retries ?? 5);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await store.get<T>(collection, key);
    const next = fn(current?.value, current);
    if (next === undefined) return current;
    const result = await store.put(collection, key, next, {
      etag: current ? current.etag : null,
      ...(options.ttlMs !== undefined && { ttlMs: options.ttlMs }),
    });
    // Read back rather than rebuild: the written value went through JSON like any reader's.
    if (result.ok) return (await store.get<T>(collection, key)) ?? current;
  }
  return store.get<T>(collection, key);
}
