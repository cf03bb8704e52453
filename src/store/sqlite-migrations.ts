import type BetterSqlite3 from 'better-sqlite3';
import { SQLITE_POISON_TABLE } from './sqlite-poison';

/**
 * Schema history, oldest first. `PRAGMA user_version` records how many have run; append new
 * migrations, never edit a released one (databases in the field already ran it).
 */
export const sqliteMigrations: readonly ((db: BetterSqlite3.Database) => void)[] = [
  (db) => {
    db.exec(`
      CREATE TABLE docs (
        collection TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        etag TEXT NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (collection, key)
      ) WITHOUT ROWID;
      CREATE INDEX docs_expiry ON docs (expires_at) WHERE expires_at IS NOT NULL;

      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor_id TEXT NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX audit_at ON audit (at, seq);
      CREATE INDEX audit_actor ON audit (actor_id, at, seq);

      CREATE TABLE queue_items (
        queue TEXT NOT NULL,
        id TEXT NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        available_at INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (queue, id)
      ) WITHOUT ROWID;
      CREATE INDEX queue_ready ON queue_items (queue, available_at, seq);

      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // Items given up on (dead letters), kept with their error for admins to read.
  (db) => db.exec(SQLITE_POISON_TABLE),
  // The audit record's whole outcome code (`refused:locked`, …); the record JSON holds it too.
  (db) => db.exec('ALTER TABLE audit ADD COLUMN code TEXT'),
];

/**
 * Lets `PRAGMA incremental_vacuum` hand free pages back to the file system. A new file gets it
 * before its first table; an older file (auto_vacuum NONE, the SQLite default) is rewritten once
 * by VACUUM, which cannot run inside the migrations' transaction, hence not a numbered migration.
 */
export function enableIncrementalVacuum(db: BetterSqlite3.Database): void {
  const INCREMENTAL = 2;
  if (db.pragma('auto_vacuum', { simple: true }) === INCREMENTAL) return;
  db.pragma('auto_vacuum = INCREMENTAL');
  db.exec('VACUUM');
}
