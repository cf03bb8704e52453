import type { CardDataMap, CardId } from '../cards/card-data';

/**
 * What a handler answers: a card id and its data, never an SDK object. When the card shows a
 * pipeline run, `runId` lets the bot remember the message and keep it live; `queued` marks the
 * answer of the command that queued that run (a card notifications posted meanwhile is that answer).
 * @example { card: 'message', data: messageData('good', 'Locked', 'prod is yours') }
 */
export type Reply = {
  [K in CardId]: {
    card: K;
    data: CardDataMap[K];
    runId?: number;
    queued?: true;
    /** The use-case's outcome code; metrics and audit read this, never the card's colour. */
    outcome?: OutcomeCode;
  };
}[CardId];

/**
 * What a command or click came to, as a reason code: `ok`, `queued`, `refused:<why>` (e.g.
 * `refused:locked`, `refused:not-approver`), `failed:<why>` (Azure DevOps or the store failed).
 * @example 'refused:self-approval'
 */
export type OutcomeCode = 'ok' | 'queued' | 'usage' | `refused:${string}` | `failed:${string}`;

/** The outcome family metrics count by (a bounded label set). */
export function outcomeFamily(
  code: OutcomeCode | undefined,
): 'ok' | 'usage' | 'refused' | 'failed' {
  if (!code || code === 'ok' || code === 'queued') return 'ok';
  if (code === 'usage') return 'usage';
  return code.startsWith('refused:') ? 'refused' : 'failed';
}
