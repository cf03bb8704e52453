import type Database from 'better-sqlite3';
import { checkKey, checkName } from './check-store-input';
import { MAX_POISON_ERROR, POISON_LIST_LIMIT, type PoisonItem } from './poison-item';

/** The poison table; also fit for a numbered migration in sqlite-migrations.ts. */
export const SQLITE_POISON_TABLE = `
  CREATE TABLE IF NOT EXISTS queue_poison (
    queue TEXT NOT NULL,
    id TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    error TEXT NOT NULL,
    failed_at INTEGER NOT NULL,
    seq INTEGER PRIMARY KEY AUTOINCREMENT
  );
  CREATE INDEX IF NOT EXISTS queue_poison_queue ON queue_poison (queue, seq);
`;

interface PoisonRow {
  id: string;
  payload: string;
  attempts: number;
  error: string;
  failed_at: number;
}

/**
 * The SQLite store's poison lists, on its own connection to the same file: `deadLetter` moves
 * a row from `queue_items` to `queue_poison` in one transaction, so an item is never in both
 * or neither; `list` reads them oldest first.
 * @example const poison = new SqlitePoison(db); poison.deadLetter('ado-events', 'ev-1', 'failed 8 times', Date.now());
 */
export class SqlitePoison {
  private readonly move: (queue: string, id: string, error: string, now: number) => void;

  constructor(private readonly db: Database.Database) {
    db.exec(SQLITE_POISON_TABLE);
    const copy = db.prepare(
      `INSERT INTO queue_poison (queue, id, payload, attempts, error, failed_at)
         SELECT queue, id, payload, attempts, ?, ? FROM queue_items WHERE queue = ? AND id = ?`,
    );
    const remove = db.prepare('DELETE FROM queue_items WHERE queue = ? AND id = ?');
    this.move = db.transaction((queue: string, id: string, error: string, now: number) => {
      copy.run(error.slice(0, MAX_POISON_ERROR), now, queue, id);
      remove.run(queue, id);
    });
  }

  deadLetter(queue: string, id: string, error: string, now: number): void {
    checkName('queue', queue);
    checkKey('queue item id', id);
    this.move(queue, id, error, now);
  }

  list<T>(queue: string, limit = POISON_LIST_LIMIT): PoisonItem<T>[] {
    checkName('queue', queue);
    const rows = this.db
      .prepare(
        `SELECT id, payload, attempts, error, failed_at FROM queue_poison
           WHERE queue = ? ORDER BY seq LIMIT ?`,
      )
      .all(queue, Math.max(0, limit)) as PoisonRow[];
    return rows.map((r) => ({
      id: r.id,
      payload: JSON.parse(r.payload) as T,
      attempts: r.attempts,
      error: r.error,
      failedAt: r.failed_at,
    }));
  }
}
