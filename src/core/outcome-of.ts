import { outcomeFamily, type Reply } from '../commands/reply';
import type { TurnAnswer } from './turn';

/**
 * What a turn's answer came to, for metrics and audit: the reply's outcome code when the handler
 * set one, else (handlers not converted yet) the old rule, an attention card is a refusal.
 * @example outcomeOf({ kind: 'reply', reply }) // 'ok' | 'usage' | 'refused' | 'failed'
 */
export function outcomeOf(answer: TurnAnswer | undefined): ReturnType<typeof outcomeFamily> {
  if (!answer) return 'ok';
  if (answer.kind === 'refused') return 'refused';
  if (answer.kind !== 'reply') return 'ok';
  return replyOutcome(answer.reply);
}

function replyOutcome(reply: Reply): ReturnType<typeof outcomeFamily> {
  if (reply.outcome) return outcomeFamily(reply.outcome);
  return reply.card === 'message' && reply.data.style === 'attention' ? 'refused' : 'ok';
}
