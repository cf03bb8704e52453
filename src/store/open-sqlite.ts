import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { enableIncrementalVacuum, sqliteMigrations } from './sqlite-migrations';
import { StoreError } from './store-error';

/** Page cache per connection, KiB. */
const CACHE_KIB = 2000;

/** The WAL is cut back to this after a checkpoint, so one burst does not leave it large for good. */
const WAL_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Opens (creating its folder if needed) a SQLite file the way the store uses it — WAL, a small
 * page cache, a bounded WAL, incremental vacuum — and runs its pending migrations.
 * @example const db = openSqliteDatabase('/data/chatops.db', { inMemory: false });
 */
export function openSqliteDatabase(
  file: string,
  o: { inMemory: boolean; busyTimeoutMs?: number | undefined },
): Database.Database {
  const inMemory = o.inMemory;
  const options = { busyTimeoutMs: o.busyTimeoutMs };
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
    return db;
  } catch (err) {
    db?.close();
    throw err;
  }
}

/** Runs the pending migrations in one IMMEDIATE transaction, so two processes opening a new file at once don't both migrate. */
function migrate(db: Database.Database, file: string): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > sqliteMigrations.length) {
      throw new StoreError(
        'schemaTooNew',
        `${file} has schema version ${version} but this bot knows only ${sqliteMigrations.length}: it was written by a newer release. Upgrade the bot or point CHATOPS_STORE at another file.`,
      );
    }
    sqliteMigrations.slice(version).forEach((migration, i) => {
      migration(db);
      db.pragma(`user_version = ${version + i + 1}`);
    });
  }).immediate();
}
