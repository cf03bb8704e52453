import type { Clock } from '../clock/clock';
import { StoreError } from '../store/store-error';
import type { Store } from '../store/store';
import {
  type EnvironmentLock,
  isLockLive,
  LOCK_ATTEMPTS,
  LOCKS_COLLECTION,
  type LockOwner,
} from './environment-lock';

export interface ReleaseLockInput {
  environment: string;
  actor: LockOwner;
  /** Release someone else's lock (admins only; the caller checks the role). */
  force?: boolean;
}

export type ReleaseLockResult =
  | { outcome: 'unlocked'; lock: EnvironmentLock }
  | { outcome: 'notLocked' }
  | { outcome: 'heldByOther'; lock: EnvironmentLock };

/**
 * Unlocks `environment`. Only the owner may, unless `force`. The delete is eTag-guarded, so a
 * lock taken over in between is never removed by mistake.
 * @example
 *   const r = await releaseLock(store, clock, { environment: 'prod', actor, force: isAdmin });
 *   if (r.outcome === 'unlocked') say(`prod unlocked (was held by ${r.lock.owner.name})`);
 */
export async function releaseLock(
  store: Store,
  clock: Clock,
  input: ReleaseLockInput,
): Promise<ReleaseLockResult> {
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
    const doc = await store.get<EnvironmentLock>(LOCKS_COLLECTION, input.environment);
    if (!doc) return { outcome: 'notLocked' };
    if (!isLockLive(doc.value, clock.now())) {
      // Expired by our clock but not yet by the store's: tidy up, the outcome is the same.
      await store.delete(LOCKS_COLLECTION, input.environment, doc.etag);
      return { outcome: 'notLocked' };
    }
    if (doc.value.owner.id !== input.actor.id && input.force !== true) {
      return { outcome: 'heldByOther', lock: doc.value };
    }
    if (await store.delete(LOCKS_COLLECTION, input.environment, doc.etag)) {
      return { outcome: 'unlocked', lock: doc.value };
    }
    // Changed or released in between: look again.
  }
  throw new StoreError(
    'locked',
    `The lock on ${input.environment} kept changing under ${LOCK_ATTEMPTS} attempts; try again.`,
  );
}
