import type { Actor } from '../auth/actor';
import type { Clock } from '../clock/clock';
import { StoreError } from '../store/store-error';
import type { Store } from '../store/store';
import {
  CONFIRMATION_ATTEMPTS,
  CONFIRMATIONS_COLLECTION,
  DECIDED_RETENTION_MS,
  type PendingConfirmation,
} from './pending-confirmation';

export interface DecideConfirmationInput {
  id: string;
  actor: Pick<Actor, 'id' | 'name'>;
  decision: 'confirm' | 'cancel';
  /** Where the click came from; a confirmation answers only in its own conversation. */
  conversationId: string;
  /** May cancel someone else's confirmation (admins; the caller checks the role). Never confirms. */
  canOverride?: boolean;
}

export type DecideConfirmationResult<P> =
  | { outcome: 'confirmed'; confirmation: PendingConfirmation<P> }
  | { outcome: 'cancelled'; confirmation: PendingConfirmation<P> }
  | { outcome: 'expired'; confirmation: PendingConfirmation<P> }
  | { outcome: 'alreadyDecided'; confirmation: PendingConfirmation<P> }
  | { outcome: 'notFound' }
  | { outcome: 'notYours'; confirmation: PendingConfirmation<P> }
  | { outcome: 'wrongConversation' };

/**
 * Records a Confirm or Cancel click. Only the requester confirms; the requester or an
 * overrider cancels. The state change is an eTag-guarded put, so of two concurrent clicks
 * (double click, two replicas) exactly one gets `confirmed` and runs the action; the other
 * gets `alreadyDecided` with who decided and when.
 * @example
 *   const r = await decideConfirmation<DeployPayload>(store, clock, { id, actor, decision: 'confirm', conversationId });
 *   if (r.outcome === 'confirmed') await queueRun(r.confirmation.payload);
 */
export async function decideConfirmation<P>(
  store: Store,
  clock: Clock,
  input: DecideConfirmationInput,
): Promise<DecideConfirmationResult<P>> {
  for (let attempt = 0; attempt < CONFIRMATION_ATTEMPTS; attempt++) {
    const doc = await store.get<PendingConfirmation<P>>(CONFIRMATIONS_COLLECTION, input.id);
    if (!doc) return { outcome: 'notFound' };
    const current = doc.value;
    // Checked first and told nothing more: the id must not leak into other conversations.
    if (current.conversationId !== input.conversationId) return { outcome: 'wrongConversation' };
    if (current.state === 'expired') return { outcome: 'expired', confirmation: current };
    if (current.state !== 'pending') return { outcome: 'alreadyDecided', confirmation: current };

    const now = clock.now();
    const expired = now >= current.expiresAt;
    if (!expired && !mayDecide(current, input)) {
      return { outcome: 'notYours', confirmation: current };
    }
    const next: PendingConfirmation<P> = expired
      ? { ...current, state: 'expired' }
      : {
          ...current,
          state: input.decision === 'confirm' ? 'confirmed' : 'cancelled',
          decidedBy: { id: input.actor.id, name: input.actor.name },
          decidedAt: now,
        };
    const put = await store.put(CONFIRMATIONS_COLLECTION, input.id, next, {
      etag: doc.etag,
      ttlMs: DECIDED_RETENTION_MS,
    });
    if (put.ok) {
      const outcome =
        next.state === 'confirmed' || next.state === 'cancelled' ? next.state : 'expired';
      return { outcome, confirmation: next };
    }
    // Another click was recorded in between: the next read reports it.
  }
  throw new StoreError(
    'locked',
    `Confirmation ${input.id} kept changing under ${CONFIRMATION_ATTEMPTS} attempts; try again.`,
  );
}

function mayDecide<P>(c: PendingConfirmation<P>, input: DecideConfirmationInput): boolean {
  if (c.requestedBy.id === input.actor.id) return true;
  return input.decision === 'cancel' && input.canOverride === true;
}
