import type { Activity } from 'botbuilder';
import { cardAttachment, renderCard } from '../cards/render-card';
import type { Reply } from '../commands/reply';

/** A handler's Reply as the activity to send: one Adaptive Card rendered from its template. */
export function replyToActivity(reply: Reply): Partial<Activity> {
  const card = renderCard(reply.card, reply.data as never);
  return { type: 'message', attachments: [cardAttachment(card)] };
}
