import type { Reply } from '../commands/reply';
import {
  claimApprovalCard,
  holdDecision,
  markApprovalCardQueued,
  listApprovalCards,
  listUnpostedApprovalCards,
  rememberApprovalCard,
  settleApprovalCard,
} from '../conversations/approval-cards';
import { DeliveryDeferredError, isMessageGone } from './delivery-errors';
import type { Publisher } from './publisher';

/**
 * Posts an approval's card in a chat once (one card per approval per chat, across replicas)
 * and remembers it so the decision can update it; in a channel it is a reply in its run's
 * thread (see `sendInThread`). Resolves false when it was already there.
 * Throws `DeliveryDeferredError` when the outbox took it (it remembers the card once posted).
 * @example await postApprovalCard(publisher, conversationId, approval.id, { card: 'approval', data });
 */
export async function postApprovalCard(
  publisher: Publisher,
  conversationId: string,
  approvalId: string,
  reply: Reply,
): Promise<boolean> {
  const { store } = publisher;
  if (!(await claimApprovalCard(store, approvalId, conversationId, publisher.clock.now())))
    return false;
  // In a channel, a run's approval card is a reply in the run's thread (or starts it).
  const thread = reply.runId !== undefined ? { thread: { runId: reply.runId } } : {};
  const messageId = await publisher
    .post(conversationId, reply, { approvalCard: { approvalId } }, thread)
    .catch(async (err: unknown) => {
      // The outbox posts it later: the claim must outlive the outage and never be taken over.
      if (err instanceof DeliveryDeferredError)
        await markApprovalCardQueued(store, approvalId, conversationId);
      throw err;
    });
  // Decided while this was being posted: the card must not keep offering Approve/Reject.
  const held = await settleApprovalCard(store, approvalId, conversationId, messageId);
  if (held) {
    await publisher.update(conversationId, messageId, held.payload).catch((err: unknown) => {
      if (!(err instanceof DeliveryDeferredError)) throw err;
    });
  }
  return true;
}

/**
 * Replaces every posted card of an approval with its decided state `reply`; each chat's card is
 * rendered for that chat. A card not posted yet gets the decision held for it (see
 * `holdDecision`), so it never lands offering buttons for an approval that is over. A card
 * already updated to this decision is left alone (events are redelivered, and several events
 * name one decision); a card the chat no longer has (deleted there) is posted anew, decided.
 * Resolves one settled result per chat updated, in the order of `chats`.
 * @example const { chats, outcomes } = await updateApprovalCards(publisher, approval.id, 'approved', reply);
 */
export async function updateApprovalCards(
  publisher: Publisher,
  approvalId: string,
  decision: string,
  reply: Reply,
): Promise<{ chats: string[]; outcomes: PromiseSettledResult<void>[] }> {
  const { store } = publisher;
  // Cards still on their way (the outbox holds them) are posted decided, or updated on landing.
  for (const c of await listUnpostedApprovalCards(store, approvalId)) {
    if (c.shows === decision) continue;
    const payload = publisher.render(reply, c.conversationId);
    await holdDecision(store, approvalId, c.conversationId, decision, payload, c.etag);
  }
  const cards = (await listApprovalCards(store, approvalId)).filter((c) => c.shows !== decision);
  const outcomes = await Promise.allSettled(
    cards.map(async (c) => {
      const tag = { approvalCard: { approvalId, shows: decision } };
      try {
        await publisher.replace(c.conversationId, c.activityId, reply, tag);
      } catch (err) {
        if (!isMessageGone(err)) throw err;
        await postDecidedAnew(publisher, c.conversationId, c.activityId, reply, tag.approvalCard);
        return;
      }
      await rememberApprovalCard(store, approvalId, c.conversationId, c.activityId, decision);
    }),
  );
  return { chats: cards.map((c) => c.conversationId), outcomes };
}

/**
 * The decided card again, as a new message: the chat no longer has the one that offered the
 * buttons (deleted there), and the decision must still be seen. Remembered as the approval's
 * card in that chat; a post the outbox takes is remembered when it lands.
 */
async function postDecidedAnew(
  publisher: Publisher,
  conversationId: string,
  goneId: string,
  reply: Reply,
  card: { approvalId: string; shows: string },
): Promise<void> {
  publisher.logger.info(
    { approvalId: card.approvalId, conversationId, activityId: goneId },
    'approval card gone from the chat; posting the decided card anew',
  );
  const thread = reply.runId !== undefined ? { thread: { runId: reply.runId } } : {};
  const id = await publisher.post(conversationId, reply, { approvalCard: card }, thread);
  await rememberApprovalCard(publisher.store, card.approvalId, conversationId, id, card.shows);
}
