import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { type Clock, systemClock } from '../clock/clock';
import { auditCutoff, DEFAULT_AUDIT_DAYS } from './audit-retention';
import { checkKey, checkName, compareKeys, toJson } from './check-store-input';
import { putDocRow, toDoc, type DocRow } from './sqlite-docs';
import { openSqliteDatabase } from './open-sqlite';
import { keptPoisonError, type PoisonItem } from './poison-item';
import { SqlitePoison } from './sqlite-poison';
import { SqliteQueues } from './sqlite-queues';
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

/** Expired documents are hidden at once but deleted only every so many writes. */
const PURGE_EVERY_WRITES = 500;

/**
 * Free pages a purge leaves before it hands them back to the file system (1 MiB of 4 KiB
 * pages): fewer are reused by the next inserts anyway, and each truncation costs a checkpoint.
 */
const VACUUM_FREE_PAGES = 256;

/**
 * The default `Store`: one SQLite file (WAL, so readers never block the writer). Several
 * processes may share the file; every compare-and-set runs in an IMMEDIATE transaction.
 * @example const store = SqliteStore.open({ path: '.data/chatops.db' });
 */
export class SqliteStore implements Store {
  readonly sharedByProcesses = false;
  private writes = 0;
  private closed = false;
  /** Compiled statements by SQL text: preparing costs more than running (profiled under load). */
  private readonly statements = new Map<string, Database.Statement>();
  /** One reusable transaction wrapper; `fn` runs inside it. */
  private readonly inTransaction: Database.Transaction<(fn: () => unknown) => unknown>;
  /** The queue and lease statements; each runs inside this store's `write` or `run`. */
  private readonly queues: SqliteQueues;
  /** The poison lists; a dead letter moves its row in this store's `write` transaction. */
  private readonly poison: SqlitePoison;

  private constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly clock: Clock,
    private readonly auditRetentionDays: number,
  ) {
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
    this.queues = new SqliteQueues((sql) => this.prepare(sql), clock);
    this.poison = new SqlitePoison(db);
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
      db = openSqliteDatabase(file, { inMemory, busyTimeoutMs: options.busyTimeoutMs });
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
    return this.writeOne(() =>
      putDocRow((sql) => this.prepare(sql), this.clock.now(), collection, key, value, opts),
    );
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
      const result = putDocRow(
        (sql) => this.prepare(sql),
        this.clock.now(),
        collection,
        key,
        value,
        opts,
      );
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
    return this.write(() => this.queues.enqueue(queue, id, payload, opts));
  }

  async claim<T>(queue: string, limit: number, visibilityMs: number): Promise<QueueItem<T>[]> {
    return this.write(() => this.queues.claim<T>(queue, limit, visibilityMs));
  }

  async complete(queue: string, id: string): Promise<void> {
    await this.write(() => this.queues.complete(queue, id));
  }

  async release(queue: string, id: string, availableAt: number): Promise<void> {
    await this.write(() => this.queues.release(queue, id, availableAt));
  }

  async queueLength(queue: string): Promise<number> {
    return this.run(() => this.queues.length(queue));
  }
  async deadLetter(queue: string, id: string, error: string): Promise<void> {
    const e = keptPoisonError(error);
    await this.write(() => this.poison.deadLetter(queue, id, e, this.clock.now()));
  }

  async listPoison<T>(queue: string, limit?: number): Promise<PoisonItem<T>[]> {
    return this.run(() => this.poison.list<T>(queue, limit));
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.write(() => this.queues.acquireLease(name, holder, ttlMs));
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.write(() => this.queues.releaseLease(name, holder));
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
    this.prepare('INSERT INTO audit (at, actor_id, code, record) VALUES (?, ?, ?, ?)').run(
      at,
      record.actor.id,
      record.code ?? null,
      toJson({ ...record, at }),
    );
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
