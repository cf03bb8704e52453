import type Database from 'better-sqlite3';
import type { Clock } from '../clock/clock';
import { checkKey, checkName, toJson } from './check-store-input';
import type { QueueItem } from './store';

/**
 * The SQLite store's work queues and leases: the statements only. `SqliteStore` runs each inside
 * its IMMEDIATE transaction (`write`) or its error mapping (`run`), so this file needs neither.
 * @example store.write(() => queues.enqueue('outbox', id, payload, {}));
 */
export class SqliteQueues {
  constructor(
    private readonly prepare: (sql: string) => Database.Statement,
    private readonly clock: Clock,
  ) {}

  enqueue<T>(queue: string, id: string, payload: T, opts: { availableAt?: number }): boolean {
    checkQueue(queue, id);
    const info = this.prepare(
      `INSERT INTO queue_items (queue, id, payload, attempts, available_at, seq)
         VALUES (?, ?, ?, 0, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM queue_items))
         ON CONFLICT (queue, id) DO NOTHING`,
    ).run(queue, id, toJson(payload), opts.availableAt ?? this.clock.now());
    return info.changes === 1;
  }

  claim<T>(queue: string, limit: number, visibilityMs: number): QueueItem<T>[] {
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
  }

  complete(queue: string, id: string): void {
    checkQueue(queue, id);
    this.prepare('DELETE FROM queue_items WHERE queue = ? AND id = ?').run(queue, id);
  }

  release(queue: string, id: string, availableAt: number): void {
    checkQueue(queue, id);
    this.prepare('UPDATE queue_items SET available_at = ? WHERE queue = ? AND id = ?').run(
      availableAt,
      queue,
      id,
    );
  }

  length(queue: string): number {
    checkQueue(queue);
    const row = this.prepare('SELECT COUNT(*) AS n FROM queue_items WHERE queue = ?').get(
      queue,
    ) as { n: number };
    return row.n;
  }

  acquireLease(name: string, holder: string, ttlMs: number): boolean {
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
  }

  releaseLease(name: string, holder: string): void {
    this.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  }
}

function checkQueue(queue: string, id?: string): void {
  checkName('queue', queue);
  if (id !== undefined) checkKey('queue item id', id);
}
