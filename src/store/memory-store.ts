import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock/clock';
import { auditCutoff, DEFAULT_AUDIT_DAYS } from './audit-retention';
import { checkKey, checkName, compareKeys, toJson } from './check-store-input';
import { MemoryPoison } from './memory-poison';
import { keptPoisonError, type PoisonItem } from './poison-item';
import { StoreError } from './store-error';
import type { AuditRecord, PutOptions, PutResult, QueueItem, Store, StoredDoc } from './store';

interface DocRow {
  json: string;
  etag: string;
  expiresAt?: number;
}

interface QueueRow {
  json: string;
  attempts: number;
  availableAt: number;
  seq: number;
}

type AuditRow = AuditRecord & { at: number; seq: number };

/**
 * The in-process `Store`: the test fake and the reference semantics every adapter must match
 * (`test/store/store-contract.ts`). Values go through JSON like in the persistent adapters.
 * @example const store = new MemoryStore({ clock: manualClock(0) });
 */
export class MemoryStore implements Store {
  readonly sharedByProcesses = false;
  private readonly clock: Clock;
  private readonly docs = new Map<string, Map<string, DocRow>>();
  private readonly audit: AuditRow[] = [];
  private readonly queues = new Map<string, Map<string, QueueRow>>();
  private readonly leases = new Map<string, { holder: string; expiresAt: number }>();
  private readonly auditRetentionDays: number;
  private readonly poison: MemoryPoison;
  private seq = 0;
  private closed = false;

  /** `auditRetentionDays`: audit records older than this are hidden and purged (default 90). */
  constructor(options: { clock?: Clock; auditRetentionDays?: number } = {}) {
    this.clock = options.clock ?? systemClock;
    this.auditRetentionDays = options.auditRetentionDays ?? DEFAULT_AUDIT_DAYS;
    this.poison = new MemoryPoison(this.clock);
  }

  async get<T>(collection: string, key: string): Promise<StoredDoc<T> | undefined> {
    const row = this.liveDoc(collection, key);
    return row && toDoc<T>(key, row);
  }

  async put<T>(
    collection: string,
    key: string,
    value: T,
    opts: PutOptions = {},
  ): Promise<PutResult> {
    const current = this.liveDoc(collection, key);
    if (opts.etag === null && current) return { ok: false, reason: 'conflict' };
    if (typeof opts.etag === 'string' && current?.etag !== opts.etag) {
      return { ok: false, reason: 'conflict' };
    }
    const row: DocRow = { json: toJson(value), etag: randomUUID() };
    if (opts.ttlMs !== undefined) row.expiresAt = this.clock.now() + opts.ttlMs;
    this.collection(collection).set(key, row);
    return { ok: true, etag: row.etag };
  }

  async delete(collection: string, key: string, etag?: string): Promise<boolean> {
    const current = this.liveDoc(collection, key);
    if (!current || (etag !== undefined && current.etag !== etag)) return false;
    return this.collection(collection).delete(key);
  }

  async list<T>(collection: string, prefix = ''): Promise<StoredDoc<T>[]> {
    this.check();
    checkName('collection', collection);
    const now = this.clock.now();
    const docs: StoredDoc<T>[] = [];
    for (const [key, row] of this.docs.get(collection) ?? []) {
      if (key.startsWith(prefix) && isLive(row, now)) docs.push(toDoc<T>(key, row));
    }
    return docs.sort((a, b) => compareKeys(a.key, b.key));
  }

  async appendAudit(record: AuditRecord): Promise<void> {
    this.check();
    const copy = JSON.parse(toJson(record)) as AuditRecord;
    this.audit.push({ ...copy, at: record.at ?? this.clock.now(), seq: ++this.seq });
  }

  async putAndAudit<T>(
    collection: string,
    key: string,
    value: T,
    opts: PutOptions,
    records: readonly AuditRecord[],
  ): Promise<PutResult> {
    // Checked before anything is written, so a bad record leaves the document alone too.
    for (const record of records) toJson(record);
    const result = await this.put(collection, key, value, opts);
    if (result.ok) for (const record of records) await this.appendAudit(record);
    return result;
  }

  async queryAudit(
    opts: { limit?: number; since?: number; actorId?: string } = {},
  ): Promise<(AuditRecord & { at: number })[]> {
    this.check();
    const since = Math.max(opts.since ?? -Infinity, this.auditCutoff());
    return this.audit
      .filter((r) => r.at >= since && (opts.actorId === undefined || r.actor.id === opts.actorId))
      .sort((a, b) => b.at - a.at || b.seq - a.seq)
      .slice(0, opts.limit)
      .map(
        ({ seq: _seq, ...record }) => JSON.parse(toJson(record)) as AuditRecord & { at: number },
      );
  }

  async enqueue<T>(
    queue: string,
    id: string,
    payload: T,
    opts: { availableAt?: number } = {},
  ): Promise<boolean> {
    const items = this.queue(queue, id);
    if (items.has(id)) return false;
    items.set(id, {
      json: toJson(payload),
      attempts: 0,
      availableAt: opts.availableAt ?? this.clock.now(),
      seq: ++this.seq,
    });
    return true;
  }

  async claim<T>(queue: string, limit: number, visibilityMs: number): Promise<QueueItem<T>[]> {
    const items = this.queue(queue);
    const now = this.clock.now();
    const ready = [...items]
      .filter(([, row]) => row.availableAt <= now)
      .sort(([, a], [, b]) => a.availableAt - b.availableAt || a.seq - b.seq)
      .slice(0, Math.max(0, limit));
    return ready.map(([id, row]) => {
      row.attempts += 1;
      row.availableAt = now + visibilityMs;
      return {
        id,
        payload: JSON.parse(row.json) as T,
        attempts: row.attempts,
        availableAt: row.availableAt,
      };
    });
  }

  async complete(queue: string, id: string): Promise<void> {
    this.queue(queue, id).delete(id);
  }

  async release(queue: string, id: string, availableAt: number): Promise<void> {
    const row = this.queue(queue, id).get(id);
    if (row) row.availableAt = availableAt;
  }

  async queueLength(queue: string): Promise<number> {
    return this.queue(queue).size;
  }

  async deadLetter(queue: string, id: string, error: string): Promise<void> {
    this.poison.deadLetter(this.queue(queue, id), queue, id, keptPoisonError(error));
  }

  async listPoison<T>(queue: string, limit?: number): Promise<PoisonItem<T>[]> {
    this.queue(queue);
    return this.poison.list<T>(queue, limit);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    this.check();
    checkName('lease', name);
    checkKey('lease holder', holder);
    const now = this.clock.now();
    const current = this.leases.get(name);
    if (current && current.holder !== holder && current.expiresAt > now) return false;
    this.leases.set(name, { holder, expiresAt: now + ttlMs });
    return true;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.check();
    if (this.leases.get(name)?.holder === holder) this.leases.delete(name);
  }

  /**
   * Deletes expired documents and audit records past retention (both already invisible), like
   * the persistent adapters; resolves how many.
   */
  async purgeExpired(): Promise<number> {
    this.check();
    const now = this.clock.now();
    let purged = 0;
    for (const rows of this.docs.values()) {
      for (const [key, row] of rows) if (!isLive(row, now) && rows.delete(key)) purged++;
    }
    const cutoff = this.auditCutoff();
    const kept = this.audit.filter((r) => r.at >= cutoff);
    purged += this.audit.length - kept.length;
    this.audit.splice(0, this.audit.length, ...kept);
    return purged;
  }

  private auditCutoff(): number {
    return auditCutoff(this.clock.now(), this.auditRetentionDays);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private check(): void {
    if (this.closed) throw new StoreError('closed', 'The store was closed.');
  }

  private collection(collection: string): Map<string, DocRow> {
    let rows = this.docs.get(collection);
    if (!rows) this.docs.set(collection, (rows = new Map()));
    return rows;
  }

  private liveDoc(collection: string, key: string): DocRow | undefined {
    this.check();
    checkName('collection', collection);
    checkKey('key', key);
    const row = this.docs.get(collection)?.get(key);
    return row && isLive(row, this.clock.now()) ? row : undefined;
  }

  private queue(queue: string, id?: string): Map<string, QueueRow> {
    this.check();
    checkName('queue', queue);
    if (id !== undefined) checkKey('queue item id', id);
    let items = this.queues.get(queue);
    if (!items) this.queues.set(queue, (items = new Map()));
    return items;
  }
}

function isLive(row: DocRow, now: number): boolean {
  return row.expiresAt === undefined || row.expiresAt > now;
}

function toDoc<T>(key: string, row: DocRow): StoredDoc<T> {
  const doc: StoredDoc<T> = { key, value: JSON.parse(row.json) as T, etag: row.etag };
  if (row.expiresAt !== undefined) doc.expiresAt = row.expiresAt;
  return doc;
}
