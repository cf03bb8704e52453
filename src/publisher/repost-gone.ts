import { forgetRunCard } from '../conversations/run-card';
import type { Logger } from '../logging/create-logger';
import type { Store } from '../store/store';
import { isMessageGone } from './delivery-errors';
import type { OutboxItem } from './outbox';

/**
 * One delivery of an outbox item; an update of a run's or an approval's card that the chat no
 * longer has (deleted there: the channel's `gone`) is posted anew instead, so the card's state
 * is still seen. Resolves the item as it went (a send, for a repost) and the message id; the
 * caller records it as that card (the gone run card is forgotten here first).
 * @example const { op, messageId } = await deliverOrRepost({ store, logger }, deliver, item);
 */
export async function deliverOrRepost(
  deps: { store: Store; logger: Logger },
  deliver: (item: OutboxItem) => Promise<string>,
  item: OutboxItem,
): Promise<{ op: OutboxItem; messageId: string }> {
  try {
    return { op: item, messageId: await deliver(item) };
  } catch (err) {
    const { runCard, approvalCard } = item.tag ?? {};
    if (item.kind !== 'update' || !(runCard || approvalCard) || !isMessageGone(err)) throw err;
    const { messageId: gone, ...rest } = item;
    deps.logger.info(
      { conversationId: item.conversationId, activityId: gone, ...item.tag },
      'card gone from the chat; posting it anew',
    );
    if (runCard && gone !== undefined) {
      await forgetRunCard(deps.store, runCard.runId, item.conversationId, gone);
    }
    const thread = runCard ? { thread: item.thread ?? { runId: runCard.runId } } : {};
    const op: OutboxItem = { ...rest, kind: 'send', ...thread };
    return { op, messageId: await deliver(op) };
  }
}
