import { maskSecrets } from '../text/mask-secrets';

/**
 * A queue item given up on: kept with why, for admins to read, instead of being deleted.
 * Every store keeps these per queue (`<queue>-poison` on Azure Storage Queues).
 * @example { id: 'ev-1', payload: event, attempts: 8, error: '500 from Teams', failedAt: 1700000000000 }
 */
export interface PoisonItem<T = unknown> {
  id: string;
  payload: T;
  /** Claims it had when given up on. */
  attempts: number;
  /** Why it was given up on. */
  error: string;
  /** Epoch ms (store clock) when it was given up on. */
  failedAt: number;
}

/** How many poison items a listing returns by default (Azure peeks at most 32). */
export const POISON_LIST_LIMIT = 32;

/** The most of `error` kept: a poison item must still fit one Azure queue message. */
export const MAX_POISON_ERROR = 2000;

/**
 * The error a poison item keeps: secrets masked by their shapes (a DevOps PAT or a bearer token
 * echoed in an HTTP error must not sit in a list admins read in chat), then clipped.
 * @example keptPoisonError('401 for Bearer eyJ…') // '401 for Bearer [REDACTED]'
 */
export function keptPoisonError(error: string): string {
  return maskSecrets(error, []).slice(0, MAX_POISON_ERROR);
}
