import type { Clock } from '../clock/clock';
import type { Store } from '../store/store';
import type { EnvironmentLock, LockOwner } from './environment-lock';
import { getLock } from './get-lock';

export type DeployAllowed = { allowed: true } | { allowed: false; lock: EnvironmentLock };

/**
 * Whether `actor` may deploy to `environment` now: someone else's live lock blocks, the
 * actor's own lock does not (that is what locking is for).
 * @example
 *   const check = await checkDeployAllowed(store, clock, 'prod', actor);
 *   if (!check.allowed) return refuse(`prod is locked by ${check.lock.owner.name}: ${check.lock.reason}`);
 */
export async function checkDeployAllowed(
  store: Store,
  clock: Clock,
  environment: string,
  actor: LockOwner,
): Promise<DeployAllowed> {
  const lock = await getLock(store, clock, environment);
  if (lock && lock.owner.id !== actor.id) return { allowed: false, lock };
  return { allowed: true };
}
