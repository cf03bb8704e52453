import { StoreError } from './store-error';

/**
 * Turns a better-sqlite3 failure into a `StoreError` that names the file and the fix.
 * Anything already a `StoreError` passes through.
 * @example catch (err) { throw sqliteStoreError(err, '.data/chatops.db'); }
 */
export function sqliteStoreError(err: unknown, file: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = typeof err === 'object' && err && 'code' in err ? String(err.code) : '';
  const detail = err instanceof Error ? err.message : String(err);
  const base = code.split('_').slice(0, 2).join('_');
  switch (base) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return new StoreError(
        'corrupt',
        `${file} is not a readable SQLite database (${detail}). Stop the bot, move the file and its -wal/-shm companions aside (a new empty store is created on start) or restore a backup.`,
        { cause: err },
      );
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new StoreError(
        'locked',
        `${file} is locked by another process (${detail}). Another bot instance or a tool (sqlite3, a backup) holds it: stop that process, or use the Azure store to run several replicas.`,
        { cause: err },
      );
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_READONLY':
    case 'SQLITE_FULL':
    case 'SQLITE_IOERR':
    case 'SQLITE_PERM':
      return new StoreError(
        'io',
        `${file} cannot be opened or written (${detail}). Check that the folder exists, is writable by the bot and that the disk is not full.`,
        { cause: err },
      );
    default:
      return new StoreError('io', `SQLite store ${file} failed: ${detail}`, { cause: err });
  }
}
