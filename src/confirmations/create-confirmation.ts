import { randomBytes } from 'node:crypto';
import type { Actor } from '../auth/actor';
import type { Clock } from '../clock/clock';
import { StoreError } from '../store/store-error';
import type { Store } from '../store/store';
import {
  CONFIRMATIONS_COLLECTION,
  DECIDED_RETENTION_MS,
  type PendingConfirmation,
} from './pending-confirmation';

export interface CreateConfirmationInput<P> {
  action: string;
  payload: P;
  requestedBy: Pick<Actor, 'id' | 'name' | 'teamsId'>;
  conversationId: string;
  /** How long the requester has to confirm. */
  ttlMs: number;
}

/**
 * Stores a pending confirmation under a random 128-bit base64url id: the id travels in card
 * buttons, so it must not be guessable. The document outlives `expiresAt` by a day so a late
 * click is answered "expired", not "not found".
 * @example
 *   const c = await createConfirmation(store, clock, {
 *     action: 'deploy', payload: { pipeline: 'prod' }, requestedBy: actor, conversationId, ttlMs: 5 * 60_000,
 *   });
 */
export async function createConfirmation<P>(
  store: Store,
  clock: Clock,
  input: CreateConfirmationInput<P>,
): Promise<PendingConfirmation<P>> {
  if (!(input.ttlMs > 0 && Number.isFinite(input.ttlMs))) {
    throw new RangeError(`Confirmation ttlMs must be a positive number of ms, got ${input.ttlMs}.`);
  }
  // A collision of 128 random bits will not happen; the create-only put makes sure anyway.
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = clock.now();
    const confirmation: PendingConfirmation<P> = {
      id: randomBytes(16).toString('base64url'),
      action: input.action,
      payload: input.payload,
      requestedBy: {
        id: input.requestedBy.id,
        name: input.requestedBy.name,
        teamsId: input.requestedBy.teamsId,
      },
      conversationId: input.conversationId,
      createdAt: now,
      expiresAt: now + input.ttlMs,
      state: 'pending',
    };
    const put = await store.put(CONFIRMATIONS_COLLECTION, confirmation.id, confirmation, {
      etag: null,
      ttlMs: input.ttlMs + DECIDED_RETENTION_MS,
    });
    // Read back so the caller sees the payload as every later reader will (after JSON).
    if (put.ok) {
      const doc = await store.get<PendingConfirmation<P>>(
        CONFIRMATIONS_COLLECTION,
        confirmation.id,
      );
      return doc?.value ?? confirmation;
    }
  }
  throw new StoreError('invalid', 'Could not store a confirmation under a fresh id; try again.');
}
