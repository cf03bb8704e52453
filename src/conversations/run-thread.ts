import type { Store } from '../store/store';
import { RUN_CARD_TTL_MS } from './run-card';

/** Store collection of each run's thread per chat, key = `${runId}:${conversationId}`. */
export const RUN_THREADS_COLLECTION = 'run-threads';

/** The thread a run's posts form in one chat: the message every later post replies under. */
export interface RunThread {
  runId: number;
  conversationId: string;
  /** The platform's id of the thread's first message (Teams: the root post's message id). */
  rootId: string;
}

const key = (runId: number, conversationId: string) => `${runId}:${conversationId}`;

/**
 * The root message of `runId`'s thread in `conversationId`, if the run has one there yet.
 * @example const root = await getRunThread(store, 42, '19:ops@thread.tacv2'); // '1764400000001'
 */
export async function getRunThread(
  store: Store,
  runId: number,
  conversationId: string,
): Promise<string | undefined> {
  const doc = await store.get<RunThread>(RUN_THREADS_COLLECTION, key(runId, conversationId));
  return doc?.value.rootId;
}

/**
 * Records `rootId` as the root of the run's thread in a chat, unless the run already has one
 * there: the first post (or the person's request) wins across replicas, so every later post
 * joins the same thread. `replacing` names a root that turned out gone (the platform no longer
 * knows it): only that root is replaced, so a newer one someone recorded meanwhile stands.
 * Resolves the root now on record.
 * @example
 *   const root = await rememberRunThread(store, 42, '19:ops@thread.tacv2', sent.id);
 *   await rememberRunThread(store, 42, conv, fresh.id, { replacing: deadRoot });
 */
export async function rememberRunThread(
  store: Store,
  runId: number,
  conversationId: string,
  rootId: string,
  options: { replacing?: string } = {},
): Promise<string> {
  const k = key(runId, conversationId);
  const doc: RunThread = { runId, conversationId, rootId };
  for (let attempt = 0; attempt < 3; attempt++) {
    const created = await store.put(RUN_THREADS_COLLECTION, k, doc, {
      etag: null,
      ttlMs: RUN_CARD_TTL_MS,
    });
    if (created.ok) return rootId;
    const current = await store.get<RunThread>(RUN_THREADS_COLLECTION, k);
    if (!current) continue; // expired between the two calls: create it again
    if (options.replacing === undefined || current.value.rootId !== options.replacing) {
      return current.value.rootId;
    }
    const replaced = await store.put(RUN_THREADS_COLLECTION, k, doc, {
      etag: current.etag,
      ttlMs: RUN_CARD_TTL_MS,
    });
    if (replaced.ok) return rootId;
  }
  return (await getRunThread(store, runId, conversationId)) ?? rootId;
}
