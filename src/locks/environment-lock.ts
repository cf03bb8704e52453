import type { Actor } from '../auth/actor';

/** Store collection of environment locks, key = environment key (see `src/store/store.ts`). */
export const LOCKS_COLLECTION = 'locks';

/**
 * How many times a lock operation re-reads after losing a compare-and-set. Every lost race
 * means another writer succeeded, so the next read almost always settles the outcome.
 */
export const LOCK_ATTEMPTS = 10;

/** Who holds a lock: enough to say "held by Ana" and to compare owners by stable id. */
export type LockOwner = Pick<Actor, 'id' | 'name'>;

/**
 * A claim on an environment, as github/branch-deploy has them: while it is live, only its
 * owner may deploy there.
 * @example { environment: 'prod', owner: { id: 'ana', name: 'Ana' }, reason: 'release 3', createdAt: 0 }
 */
export interface EnvironmentLock {
  environment: string;
  owner: LockOwner;
  reason: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; omitted = held until released. */
  expiresAt?: number;
}

/**
 * The store hides documents whose ttl passed, but its clock may differ from ours (another
 * replica), so the lock's own `expiresAt` is checked too.
 * @example if (!isLockLive(lock, clock.now())) treatAsFree();
 */
export function isLockLive(lock: EnvironmentLock, now: number): boolean {
  return lock.expiresAt === undefined || lock.expiresAt > now;
}
