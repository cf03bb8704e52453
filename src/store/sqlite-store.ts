import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { type Clock, systemClock } from '../clock/clock';
import { auditCutoff, DEFAULT_AUDIT_DAYS } from './audit-retention';
import { checkKey, checkName, compareKeys, toJson } from './check-store-input';
import { enableIncrementalVacuum, sqliteMigrations } from './sqlite-migrations';
import { sqliteStoreError } from './sqlite-store-error';
import { StoreError } from './store-error';
import type { AuditRecord, PutOptions, PutResult, QueueItem, Store, StoredDoc } from './store';

export interface SqliteStoreOptions {
  /** Database file; its folder is created on first use. `:memory:` for a throwaway store. */
  path: string;
  clock?: Clock;
  /** How long a write waits for another process's lock before failing. Default 5000. */
  busyTimeoutMs?: number;
  /** Audit records older than this many days are hidden and purged. Default 90. */
  auditRetentionDays?: number;
}

interface DocRow {
  value: string;
  etag: string;
  expires_at: number | null;
}

/** Page cache per connection, KiB (see `open`). */
const CACHE_KIB = 2000;

/** Expired documents are hidden at once but deleted only every so many writes. */
const PURGE_EVERY_WRITES = 500;

/**
 * Free pages a purge leaves before it hands them back to the file system (1 MiB of 4 KiB
 * pages): fewer are reused by the next inserts anyway, and each truncation costs a checkpoint.
 */
const VACUUM_FREE_PAGES = 256;

/** The WAL is cut back to this after a checkpoint, so one burst does not leave it large for good. */
const WAL_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * The default `Store`: one SQLite file (WAL, so readers never block the writer). Several
 * processes may share the file; every compare-and-set runs in an IMMEDIATE transaction.
 * @example const store = SqliteStore.open({ path: '.data/chatops.db' });
 */
export class SqliteStore implements Store {
  private writes = 0;
  private closed = false;
  /** Compiled statements by SQL text: preparing costs more than running (profiled under load). */
  private readonly statements = new Map<string, Database.Statement>();
  /** One reusable transaction wrapper; `fn` runs inside it. */
  private readonly inTransaction: Database.Transaction<(fn: () => unknown) => unknown>;

  private constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly clock: Clock,
    private readonly auditRetentionDays: number,
  ) {
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
  }

  /** `db.prepare`, once per SQL text. */
  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Opens (creating if needed) and migrates the database. Throws `StoreError` on failure. */
  static open(options: SqliteStoreOptions): SqliteStore {
    const inMemory = options.path === ':memory:';
    const file = inMemory ? options.path : resolve(options.path);
    let db: Database.Database | undefined;
    try {
      if (!inMemory) mkdirSync(dirname(file), { recursive: true });
      db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // SQLite's own default page cache (2 MB). better-sqlite3 builds with 16 MB per connection,
      // and the cache fills as the audit log and the dedupe ids grow: +5 MB of RSS over 10,000
      // commands in the benchmark's leak check, for pages the bot rarely reads twice (it appends).
      db.pragma(`cache_size = -${CACHE_KIB}`);
      db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
      enableIncrementalVacuum(db);
      migrate(db, file);
      const store = new SqliteStore(
        db,
        file,
        options.clock ?? systemClock,
        options.auditRetentionDays ?? DEFAULT_AUDIT_DAYS,
      );
      store.purge();
      return store;
    } catch (err) {
      db?.close();
      throw sqliteStoreError(err, file);
    }
  }

  async get<T>(collection: string, key: string): Promise<StoredDoc<T> | undefined> {
    return this.run(() => {
      const row = this.liveDoc(collection, key);
      return row && toDoc<T>(key, row);
    });
  }

  /**
   * One statement per case, so SQLite's own statement atomicity does the compare-and-set: no
   * IMMEDIATE transaction, no read first. A benchmark profile put the transaction wrapper
   * (BEGIN IMMEDIATE + SELECT + INSERT + COMMIT) at ~3% of the bot's CPU per message, for the
   * activity-dedupe write alone. A document whose ttl passed counts as absent, as in `get`.
   */
  async put<T>(
    collection: string,
    key: string,
    value: T,
    opts: PutOptions = {},
  ): Promise<PutResult> {
    return this.writeOne(() => this.putRow(collection, key, value, opts));
  }

  async delete(collection: string, key: string, etag?: string): Promise<boolean> {
    return this.writeOne(() => {
      checkName('collection', collection);
      checkKey('key', key);
      const info = this.prepare(
        `DELETE FROM docs WHERE collection = ? AND key = ?
           AND (expires_at IS NULL OR expires_at > ?) AND (? IS NULL OR etag = ?)`,
      ).run(collection, key, this.clock.now(), etag ?? null, etag ?? null);
      return info.changes === 1;
    });
  }

  async list<T>(collection: string, prefix = ''): Promise<StoredDoc<T>[]> {
    return this.run(() => {
      checkName('collection', collection);
      const rows = this.prepare(
        `SELECT key, value, etag, expires_at FROM docs
           WHERE collection = ? AND substr(key, 1, length(?)) = ? AND (expires_at IS NULL OR expires_at > ?)`,
      ).all(collection, prefix, prefix, this.clock.now()) as (DocRow & { key: string })[];
      return rows.map((row) => toDoc<T>(row.key, row)).sort((a, b) => compareKeys(a.key, b.key));
    });
  }

  async appendAudit(record: AuditRecord): Promise<void> {
    // One INSERT: atomic on its own, no transaction needed.
    await this.writeOne(() => this.insertAudit(record));
  }

  /** One IMMEDIATE transaction: the document and its audit records land together or not at all. */
  async putAndAudit<T>(
    collection: string,
    key: string,
    value: T,
    opts: PutOptions,
    records: readonly AuditRecord[],
  ): Promise<PutResult> {
    return this.write(() => {
      const result = this.putRow(collection, key, value, opts);
      if (result.ok) for (const record of records) this.insertAudit(record);
      return result;
    });
  }

  async queryAudit(
    opts: { limit?: number; since?: number; actorId?: string } = {},
  ): Promise<(AuditRecord & { at: number })[]> {
    return this.run(() => {
      const rows = this.prepare(
        `SELECT record FROM audit
           WHERE (@since IS NULL OR at >= @since) AND (@actor IS NULL OR actor_id = @actor)
           ORDER BY at DESC, seq DESC LIMIT @limit`,
      ).all({
        since: Math.max(opts.since ?? -Infinity, this.auditCutoff()),
        actor: opts.actorId ?? null,
        limit: opts.limit ?? -1,
      }) as { record: string }[];
      return rows.map((row) => JSON.parse(row.record) as AuditRecord & { at: number });
    });
  }

  async enqueue<T>(
    queue: string,
    id: string,
    payload: T,
    opts: { availableAt?: number } = {},
  ): Promise<boolean> {
    return this.write(() => {
      checkQueue(queue, id);
      const info = this.prepare(
        `INSERT INTO queue_items (queue, id, payload, attempts, available_at, seq)
           VALUES (?, ?, ?, 0, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM queue_items))
           ON CONFLICT (queue, id) DO NOTHING`,
      ).run(queue, id, toJson(payload), opts.availableAt ?? this.clock.now());
      return info.changes === 1;
    });
  }

  async claim<T>(queue: string, limit: number, visibilityMs: number): Promise<QueueItem<T>[]> {
    return this.write(() => {
      checkQueue(queue);
      const now = this.clock.now();
      const rows = this.prepare(
        `SELECT id, payload, attempts FROM queue_items
           WHERE queue = ? AND available_at <= ? ORDER BY available_at, seq LIMIT ?`,
      ).all(queue, now, Math.max(0, limit)) as { id: string; payload: string; attempts: number }[];
      const hide = this.prepare(
        'UPDATE queue_items SET attempts = attempts + 1, available_at = ? WHERE queue = ? AND id = ?',
      );
      return rows.map((row) => {
        hide.run(now + visibilityMs, queue, row.id);
        return {
          id: row.id,
          payload: JSON.parse(row.payload) as T,
          attempts: row.attempts + 1,
          availableAt: now + visibilityMs,
        };
      });
    });
  }

  async complete(queue: string, id: string): Promise<void> {
    await this.write(() => {
      checkQueue(queue, id);
      this.prepare('DELETE FROM queue_items WHERE queue = ? AND id = ?').run(queue, id);
    });
  }

  async release(queue: string, id: string, availableAt: number): Promise<void> {
    await this.write(() => {
      checkQueue(queue, id);
      this.prepare('UPDATE queue_items SET available_at = ? WHERE queue = ? AND id = ?').run(
        availableAt,
        queue,
        id,
      );
    });
  }

  async queueLength(queue: string): Promise<number> {
    return this.run(() => {
      checkQueue(queue);
      const row = this.prepare('SELECT COUNT(*) AS n FROM queue_items WHERE queue = ?').get(
        queue,
      ) as { n: number };
      return row.n;
    });
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.write(() => {
      checkName('lease', name);
      checkKey('lease holder', holder);
      const now = this.clock.now();
      const current = this.prepare('SELECT holder, expires_at FROM leases WHERE name = ?').get(
        name,
      ) as { holder: string; expires_at: number } | undefined;
      if (current && current.holder !== holder && current.expires_at > now) return false;
      this.prepare(
        `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
      ).run(name, holder, now + ttlMs);
      return true;
    });
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.write(() => {
      this.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /**
   * Deletes documents whose ttl has passed and audit records past retention (both already
   * invisible), then gives the free pages back to the file system; resolves how many rows went.
   */
  async purgeExpired(): Promise<number> {
    return this.purge();
  }

  private purge(): number {
    return this.run(() => {
      const now = this.clock.now();
      const deleted =
        this.prepare('DELETE FROM docs WHERE expires_at <= ?').run(now).changes +
        this.prepare('DELETE FROM audit WHERE at < ?').run(this.auditCutoff()).changes;
      // Without this the file keeps its largest size forever: deleted dedupe rows and old audit
      // records only become free pages (47 MB of a 59 MB file after a 51,000-event burst).
      if ((this.db.pragma('freelist_count', { simple: true }) as number) >= VACUUM_FREE_PAGES) {
        this.db.pragma('incremental_vacuum');
      }
      return deleted;
    });
  }

  private auditCutoff(): number {
    return auditCutoff(this.clock.now(), this.auditRetentionDays);
  }

  private run<R>(fn: () => R): R {
    if (this.closed) throw new StoreError('closed', `The SQLite store ${this.file} was closed.`);
    try {
      return fn();
    } catch (err) {
      throw sqliteStoreError(err, this.file);
    }
  }

  /** Runs `fn` in an IMMEDIATE transaction so a read-then-write cannot interleave with another process. */
  private write<R>(fn: () => R): R {
    const result = this.run(() => this.inTransaction.immediate(fn) as R);
    if (++this.writes % PURGE_EVERY_WRITES === 0) this.purge();
    return result;
  }

  /** A write that is a single statement (atomic by itself): no explicit transaction. */
  private writeOne<R>(fn: () => R): R {
    const result = this.run(fn);
    if (++this.writes % PURGE_EVERY_WRITES === 0) this.purge();
    return result;
  }

  private insertAudit(record: AuditRecord): void {
    const at = record.at ?? this.clock.now();
    this.prepare('INSERT INTO audit (at, actor_id, record) VALUES (?, ?, ?)').run(
      at,
      record.actor.id,
      toJson({ ...record, at }),
    );
  }

  /** The statement behind `put`, synchronous so `putAndAudit` can run it in its transaction. */
  private putRow<T>(collection: string, key: string, value: T, opts: PutOptions): PutResult {
    checkName('collection', collection);
    checkKey('key', key);
    const json = toJson(value);
    const etag = randomUUID();
    const now = this.clock.now();
    const expiresAt = opts.ttlMs === undefined ? null : now + opts.ttlMs;
    let changes: number;
    if (opts.etag === undefined) {
      changes = this.prepare(
        `INSERT INTO docs (collection, key, value, etag, expires_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (collection, key) DO UPDATE
           SET value = excluded.value, etag = excluded.etag, expires_at = excluded.expires_at`,
      ).run(collection, key, json, etag, expiresAt).changes;
    } else if (opts.etag === null) {
      // Create only: an existing row is replaced only when it has expired.
      changes = this.prepare(
        `INSERT INTO docs (collection, key, value, etag, expires_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (collection, key) DO UPDATE
           SET value = excluded.value, etag = excluded.etag, expires_at = excluded.expires_at
           WHERE docs.expires_at IS NOT NULL AND docs.expires_at <= ?`,
      ).run(collection, key, json, etag, expiresAt, now).changes;
    } else {
      changes = this.prepare(
        `UPDATE docs SET value = ?, etag = ?, expires_at = ?
           WHERE collection = ? AND key = ? AND etag = ? AND (expires_at IS NULL OR expires_at > ?)`,
      ).run(json, etag, expiresAt, collection, key, opts.etag, now).changes;
    }
    return changes === 1 ? { ok: true, etag } : { ok: false, reason: 'conflict' };
  }

  private liveDoc(collection: string, key: string): DocRow | undefined {
    checkName('collection', collection);
    checkKey('key', key);
    const row = this.prepare(
      'SELECT value, etag, expires_at FROM docs WHERE collection = ? AND key = ?',
    ).get(collection, key) as DocRow | undefined;
    return row && (row.expires_at === null || row.expires_at > this.clock.now()) ? row : undefined;
  }
}

/** Runs the pending migrations in one IMMEDIATE transaction, so two processes opening a new file at once don't both migrate. */
function migrate(db: Database.Database, file: string): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > sqliteMigrations.length) {
      throw new StoreError(
        'schema-too-new',
        `${file} has schema version ${version} but this bot knows only ${sqliteMigrations.length}: it was written by a newer release. Upgrade the bot or point CHATOPS_STORE at another file.`,
      );
    }
    sqliteMigrations.slice(version).forEach((migration, i) => {
      migration(db);
      db.pragma(`user_version = ${version + i + 1}`);
    });
  }).immediate();
}

function checkQueue(queue: string, id?: string): void {
  checkName('queue', queue);
  if (id !== undefined) checkKey('queue item id', id);
}

function toDoc<T>(key: string, row: DocRow): StoredDoc<T> {
  const doc: StoredDoc<T> = { key, value: JSON.parse(row.value) as T, etag: row.etag };
  if (row.expires_at !== null) doc.expiresAt = row.expires_at;
  return doc;
}
