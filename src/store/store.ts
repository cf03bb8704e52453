/**
 * One storage port for everything the bot must not forget: keyed documents with eTag
 * compare-and-set, an append-only audit log, work queues and leases. Implementations:
 * `MemoryStore` (tests), `SqliteStore` (default, `.data/`), `AzureStore` (Blob + Table, replicas).
 *
 * Collections the bot uses (names are part of the contract between features):
 *   conversations   conversation references, key = conversation id
 *   subscriptions   notification subscriptions, key = conversation id
 *   run-cards       run ↔ card message, key = `${runId}:${conversationId}`
 *   locks           environment locks, key = environment key
 *   confirmations   pending confirmations, key = confirmation id
 *   dedupe          processed activity/event ids (with ttl), key = id
 *   settings        small singletons (e.g. default notifications channel)
 */

import type { PoisonItem } from './poison-item';

export interface StoredDoc<T> {
  key: string;
  value: T;
  /** Opaque version; pass it back to `put`/`delete` for compare-and-set. */
  etag: string;
  /** Epoch ms after which the document is treated as absent. */
  expiresAt?: number;
}

export interface PutOptions {
  /**
   * Compare-and-set: a string = only if the current eTag matches; `null` = only if absent
   * (create); omitted = unconditional.
   */
  etag?: string | null;
  /** Time to live in ms from now (per the store's clock). */
  ttlMs?: number;
}

export type PutResult = { ok: true; etag: string } | { ok: false; reason: 'conflict' };

export interface AuditRecord {
  /** Epoch ms. Assigned by the store when omitted. */
  at?: number;
  /** Who: display name and stable id (Entra object id or Teams id). */
  actor: { id: string; name: string };
  /** What: `deploy`, `approve`, `card:approve`, `lock`, … */
  action: string;
  /** Human-readable detail, without secrets. */
  detail: string;
  outcome: 'ok' | 'refused' | 'failed';
  /**
   * The use-case's whole outcome code (`ok`, `queued`, `refused:locked`, `failed:devopsDown`, …;
   * see `OutcomeCode` in src/use-cases/outcome-code.ts), when known; `outcome` is its family.
   * A string here: the store may not import use-cases (that would be a folder cycle).
   */
  code?: string;
  runId?: number;
  conversationId?: string;
}

export type { PoisonItem } from './poison-item';

export interface QueueItem<T> {
  id: string;
  payload: T;
  attempts: number;
  /** Epoch ms when the item may next be claimed. */
  availableAt: number;
}

export interface Store {
  /** True when several processes share it (Azure, replicas); SQLite and memory are one process's. */
  readonly sharedByProcesses: boolean;
  get<T>(collection: string, key: string): Promise<StoredDoc<T> | undefined>;
  put<T>(collection: string, key: string, value: T, opts?: PutOptions): Promise<PutResult>;
  /** With an eTag: only if it matches. Resolves false when nothing was deleted. */
  delete(collection: string, key: string, etag?: string): Promise<boolean>;
  /** Live documents whose key starts with `prefix`, ordered by key. */
  list<T>(collection: string, prefix?: string): Promise<StoredDoc<T>[]>;

  appendAudit(record: AuditRecord): Promise<void>;
  /**
   * `put`, then (only when the put succeeded) the audit records, as one write: the turn
   * pipeline marks a message done and records who did what in a single store call.
   * SQLite and memory: one transaction; Azure: the blob, then the audit rows.
   * @example await store.putAndAudit('dedupe', `activity:${id}`, { done: true }, { ttlMs }, [record]);
   */
  putAndAudit<T>(
    collection: string,
    key: string,
    value: T,
    opts: PutOptions,
    records: readonly AuditRecord[],
  ): Promise<PutResult>;
  /** Newest first. */
  queryAudit(opts?: {
    limit?: number;
    since?: number;
    actorId?: string;
  }): Promise<(AuditRecord & { at: number })[]>;

  /** Adds an item unless one with the same id exists (idempotent). Resolves true when added. */
  enqueue<T>(
    queue: string,
    id: string,
    payload: T,
    opts?: { availableAt?: number },
  ): Promise<boolean>;
  /**
   * Claims up to `limit` available items, hiding them for `visibilityMs` (and counting an
   * attempt); an item not completed in time becomes available again.
   */
  claim<T>(queue: string, limit: number, visibilityMs: number): Promise<QueueItem<T>[]>;
  /** Removes a claimed item for good. */
  complete(queue: string, id: string): Promise<void>;
  /** Makes a claimed item available again at `availableAt`. */
  release(queue: string, id: string, availableAt: number): Promise<void>;
  /** Items waiting (for metrics and tests). */
  queueLength(queue: string): Promise<number>;
  /**
   * Gives up on a claimed item: it leaves the queue (its id is free again) and is kept in the
   * queue's poison list with `error` (secrets masked, clipped) for admins to read. An unknown
   * id does nothing. Nothing a consumer gives up on is deleted silently.
   * @example await store.deadLetter('ado-events', item.id, 'failed 8 times: 500 from Teams');
   */
  deadLetter(queue: string, id: string, error: string): Promise<void>;
  /**
   * Items given up on in `queue`, oldest first, at most `limit` (default 32).
   * @example const dead = await store.listPoison<AdoEvent>('ado-events', 10);
   */
  listPoison<T>(queue: string, limit?: number): Promise<PoisonItem<T>[]>;

  /**
   * Takes or renews a named lease for `holder`. Resolves true when `holder` holds it for
   * `ttlMs` from now; false when another holder's lease is still live.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;

  close(): Promise<void>;
}
