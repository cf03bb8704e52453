import type { Clock } from '../clock/clock';
import type { Store } from '../store/store';
import { type EnvironmentLock, isLockLive, LOCKS_COLLECTION } from './environment-lock';

/**
 * The live lock on `environment`, or undefined when it is free (never locked, released or
 * expired).
 * @example const lock = await getLock(store, clock, 'prod'); if (lock) say(`held by ${lock.owner.name}`);
 */
export async function getLock(
  store: Store,
  clock: Clock,
  environment: string,
): Promise<EnvironmentLock | undefined> {
  const doc = await store.get<EnvironmentLock>(LOCKS_COLLECTION, environment);
  return doc && isLockLive(doc.value, clock.now()) ? doc.value : undefined;
}
