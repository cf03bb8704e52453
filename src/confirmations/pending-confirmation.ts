import type { Actor } from '../auth/actor';

/** Store collection of confirmations, key = confirmation id (see `src/store/store.ts`). */
export const CONFIRMATIONS_COLLECTION = 'confirmations';

/**
 * How long a confirmation stays in the store after it was decided or expired, so a late
 * second click is told who decided and when rather than "not found".
 */
export const DECIDED_RETENTION_MS = 24 * 3600_000;

/** Re-reads after a lost compare-and-set; each loss means another click was recorded. */
export const CONFIRMATION_ATTEMPTS = 10;

export type ConfirmationState = 'pending' | 'confirmed' | 'cancelled' | 'expired';

/**
 * A guarded command (e.g. a prod deploy) waiting for its requester to say yes.
 * `payload` is what to run once confirmed; it goes through JSON like every stored value.
 * @example { id: 'q3…', action: 'deploy', payload: { pipeline: 'prod', modelVersion: '3' }, state: 'pending', … }
 */
export interface PendingConfirmation<P> {
  id: string;
  action: string;
  payload: P;
  requestedBy: Pick<Actor, 'id' | 'name' | 'teamsId'>;
  conversationId: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms after which it can no longer be confirmed. */
  expiresAt: number;
  state: ConfirmationState;
  decidedBy?: Pick<Actor, 'id' | 'name'>;
  /** Epoch ms. */
  decidedAt?: number;
}
