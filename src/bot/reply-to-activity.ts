import type { Activity } from 'botbuilder';
import { maskDeep } from '../text/mask-secrets';
import { cardAttachment, renderCard } from '../cards/render-card';
import type { Reply } from '../commands/reply';

/**
 * A handler's Reply as the activity to send: one Adaptive Card rendered from its template, with
 * every configured secret and anything shaped like one masked in its text (people paste tokens
 * into commands, lock reasons and comments, and cards echo them).
 */
export function replyToActivity(reply: Reply, secrets?: readonly string[]): Partial<Activity> {
  const card = renderCard(reply.card, maskDeep(reply.data, secrets) as never);
  return { type: 'message', attachments: [cardAttachment(card)] };
}
