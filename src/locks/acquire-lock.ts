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

export interface AcquireLockInput {
  environment: string;
  actor: LockOwner;
  reason: string;
  /** Lock lifetime; omitted = held until someone unlocks it. */
  ttlMs?: number;
}

export type AcquireLockResult =
  | { outcome: 'locked'; lock: EnvironmentLock }
  | { outcome: 'alreadyYours'; lock: EnvironmentLock }
  | { outcome: 'heldByOther'; lock: EnvironmentLock };

/**
 * Locks `environment` for `actor`. A create-only (or eTag-guarded, over an expired lock) put
 * makes exactly one of several concurrent callers the winner; the others are told who holds
 * it. Locking an environment you already hold changes nothing (reason and expiry stay).
 * @example
 *   const r = await acquireLock(store, clock, { environment: 'prod', actor, reason: 'release 3' });
 *   if (r.outcome === 'heldByOther') say(`prod is locked by ${r.lock.owner.name}`);
 */
export async function acquireLock(
  store: Store,
  clock: Clock,
  input: AcquireLockInput,
): Promise<AcquireLockResult> {
  if (input.ttlMs !== undefined && !(input.ttlMs > 0 && Number.isFinite(input.ttlMs))) {
    throw new RangeError(`Lock ttlMs must be a positive number of ms, got ${input.ttlMs}.`);
  }
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
    const now = clock.now();
    const doc = await store.get<EnvironmentLock>(LOCKS_COLLECTION, input.environment);
    if (doc && isLockLive(doc.value, now)) {
      const outcome = doc.value.owner.id === input.actor.id ? 'alreadyYours' : 'heldByOther';
      return { outcome, lock: doc.value };
    }
    const lock: EnvironmentLock = {
      environment: input.environment,
      owner: { id: input.actor.id, name: input.actor.name },
      reason: input.reason,
      createdAt: now,
      ...(input.ttlMs !== undefined && { expiresAt: now + input.ttlMs }),
    };
    const put = await store.put(LOCKS_COLLECTION, input.environment, lock, {
      etag: doc ? doc.etag : null,
      ...(input.ttlMs !== undefined && { ttlMs: input.ttlMs }),
    });
    if (put.ok) return { outcome: 'locked', lock };
    // Lost the race: the next read sees the winner's lock.
  }
  throw new StoreError(
    'locked',
    `The lock on ${input.environment} kept changing under ${LOCK_ATTEMPTS} attempts; try again.`,
  );
}
