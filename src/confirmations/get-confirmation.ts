import type { Clock } from '../clock/clock';
import type { Store } from '../store/store';
import { CONFIRMATIONS_COLLECTION, type PendingConfirmation } from './pending-confirmation';

/**
 * The confirmation as of now: a pending one past its `expiresAt` is reported `expired` even
 * before anyone clicked (for card refreshes). Undefined when unknown or long gone.
 * @example const c = await getConfirmation<DeployPayload>(store, clock, id);
 */
export async function getConfirmation<P>(
  store: Store,
  clock: Clock,
  id: string,
): Promise<PendingConfirmation<P> | undefined> {
  const doc = await store.get<PendingConfirmation<P>>(CONFIRMATIONS_COLLECTION, id);
  if (!doc) return undefined;
  const c = doc.value;
  return c.state === 'pending' && clock.now() >= c.expiresAt ? { ...c, state: 'expired' } : c;
}
