import { encodeKey } from './encode-key';
import { StoreError } from './store-error';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
/** Encoded keys must fit a blob name (1024) and a Table key (1 KiB) with room for a prefix. */
const MAX_ENCODED_KEY = 900;

/**
 * Collections, queues and lease names are identifiers chosen in code, so a bad one is a bug.
 * @example checkName('collection', 'run-cards')
 */
export function checkName(kind: string, name: string): void {
  if (!NAME.test(name)) {
    throw new StoreError(
      'invalid',
      `Invalid ${kind} name ${JSON.stringify(name)}: use 1-63 letters, digits, '-' or '_'.`,
    );
  }
}

/** Keys and ids are data (conversation ids, event ids) but must be non-empty and bounded. */
export function checkKey(kind: string, key: string): void {
  let encoded: string;
  try {
    encoded = encodeKey(key);
  } catch (cause) {
    throw new StoreError('invalid', `Invalid ${kind}: not valid Unicode text.`, { cause });
  }
  if (key.length === 0 || encoded.length > MAX_ENCODED_KEY) {
    throw new StoreError(
      'invalid',
      `Invalid ${kind} ${JSON.stringify(key.slice(0, 40))}: must be non-empty and at most ${MAX_ENCODED_KEY} characters once encoded.`,
    );
  }
}

/** Values are stored as JSON in every adapter, so the fake applies the same round trip. */
export function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) {
    throw new StoreError(
      'invalid',
      'Store values must be JSON-serializable (got undefined or a function).',
    );
  }
  return json;
}

/** Key order shared by all adapters (UTF-16 code units, like `Array.prototype.sort`). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
