import type { Clock } from '../clock/clock';
import { compareKeys } from '../store/check-store-input';
import type { Store } from '../store/store';
import { type EnvironmentLock, isLockLive, LOCKS_COLLECTION } from './environment-lock';

/**
 * Every live lock, sorted by environment key (for `locks` and the status card).
 * @example for (const lock of await listLocks(store, clock)) lines.push(`${lock.environment}: ${lock.owner.name}`);
 */
export async function listLocks(store: Store, clock: Clock): Promise<EnvironmentLock[]> {
  const now = clock.now();
  const docs = await store.list<EnvironmentLock>(LOCKS_COLLECTION);
  return docs
    .map((doc) => doc.value)
    .filter((lock) => isLockLive(lock, now))
    .sort((a, b) => compareKeys(a.environment, b.environment));
}
