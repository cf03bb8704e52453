import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { checkKey, checkName, toJson } from './check-store-input';
import type { PutOptions, PutResult, StoredDoc } from './store';

/** A `docs` row as SQLite returns it. */
export interface DocRow {
  value: string;
  etag: string;
  expires_at: number | null;
}

export function toDoc<T>(key: string, row: DocRow): StoredDoc<T> {
  const doc: StoredDoc<T> = { key, value: JSON.parse(row.value) as T, etag: row.etag };
  if (row.expires_at !== null) doc.expiresAt = row.expires_at;
  return doc;
}

/**
 * The statement behind `SqliteStore.put`, synchronous so `putAndAudit` can run it inside its
 * transaction: one statement per case, so SQLite's own statement atomicity does the
 * compare-and-set. A document whose ttl passed counts as absent.
 * @example putDocRow(prepare, clock.now(), 'dedupe', 'activity:1', 1, { etag: null })
 */
export function putDocRow<T>(
  prepare: (sql: string) => Database.Statement,
  now: number,
  collection: string,
  key: string,
  value: T,
  opts: PutOptions,
): PutResult {
  checkName('collection', collection);
  checkKey('key', key);
  const json = toJson(value);
  const etag = randomUUID();
  const expiresAt = opts.ttlMs === undefined ? null : now + opts.ttlMs;
  let changes: number;
  if (opts.etag === undefined) {
    changes = prepare(
      `INSERT INTO docs (collection, key, value, etag, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (collection, key) DO UPDATE
         SET value = excluded.value, etag = excluded.etag, expires_at = excluded.expires_at`,
    ).run(collection, key, json, etag, expiresAt).changes;
  } else if (opts.etag === null) {
    // Create only: an existing row is replaced only when it has expired.
    changes = prepare(
      `INSERT INTO docs (collection, key, value, etag, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (collection, key) DO UPDATE
         SET value = excluded.value, etag = excluded.etag, expires_at = excluded.expires_at
         WHERE docs.expires_at IS NOT NULL AND docs.expires_at <= ?`,
    ).run(collection, key, json, etag, expiresAt, now).changes;
  } else {
    changes = prepare(
      `UPDATE docs SET value = ?, etag = ?, expires_at = ?
         WHERE collection = ? AND key = ? AND etag = ? AND (expires_at IS NULL OR expires_at > ?)`,
    ).run(json, etag, expiresAt, collection, key, opts.etag, now).changes;
  }
  return changes === 1 ? { ok: true, etag } : { ok: false, reason: 'conflict' };
}
