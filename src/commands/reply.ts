import type { CardDataMap, CardId } from '../cards/card-data';
import type { OutcomeCode } from '../use-cases/outcome-code';

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

export type { OutcomeCode } from '../use-cases/outcome-code';
export { outcomeFamily } from '../use-cases/outcome-code';
