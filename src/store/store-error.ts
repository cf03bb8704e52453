import { CodedError } from '../errors/coded-error';

/**
 * Why a store operation failed. Conflicts are not errors (they come back as values from
 * `put`); these are the failures an operator has to act on.
 */
export type StoreErrorCode =
  /** Bad input from the caller: empty key, unserializable value, bad collection name. */
  | 'invalid'
  /** The database file is not a SQLite database or is damaged. */
  | 'corrupt'
  /** Another process holds the database lock for longer than the busy timeout. */
  | 'locked'
  /** The database was written by a newer version of the bot. */
  | 'schemaTooNew'
  /** The file or folder cannot be created, opened or written. */
  | 'io'
  /** The remote service (Azure Storage) cannot be reached or refused the credentials. */
  | 'unavailable'
  /** The store was closed. */
  | 'closed'
  /** Missing or contradictory store configuration. */
  | 'config';

/**
 * An infrastructure failure of the store, with a message that says what to do.
 * @example throw new StoreError('locked', `${file} is locked by another process; stop it and retry`);
 */
export class StoreError extends CodedError<StoreErrorCode> {}
