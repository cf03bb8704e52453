import type { Reply } from '../commands/reply';
import {
  claimApprovalCard,
  listApprovalCards,
  rememberApprovalCard,
} from '../conversations/approval-cards';
import type { Publisher } from './publisher';

/**
 * Posts an approval's card in a chat once (one card per approval per chat, across replicas)
 * and remembers it so the decision can update it. Resolves false when it was already there.
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
  if (!(await claimApprovalCard(store, approvalId, conversationId))) return false;
  const messageId = await publisher.post(conversationId, reply, { approvalCard: { approvalId } });
  await rememberApprovalCard(store, approvalId, conversationId, messageId);
  return true;
}

/**
 * Replaces every posted card of an approval with its decided state `reply`; each chat's card is
 * rendered for that chat. A card already updated to this decision is left alone (events are
 * redelivered, and several events name one decision). Resolves one settled result per chat
 * updated, in the order of `chats`.
 * @example const { chats, outcomes } = await updateApprovalCards(publisher, approval.id, 'approved', reply);
 */
export async function updateApprovalCards(
  publisher: Publisher,
  approvalId: string,
  decision: string,
  reply: Reply,
): Promise<{ chats: string[]; outcomes: PromiseSettledResult<void>[] }> {
  const { store } = publisher;
  const cards = (await listApprovalCards(store, approvalId)).filter((c) => c.shows !== decision);
  const outcomes = await Promise.allSettled(
    cards.map(async (c) => {
      await publisher.replace(c.conversationId, c.activityId, reply);
      await rememberApprovalCard(store, approvalId, c.conversationId, c.activityId, decision);
    }),
  );
  return { chats: cards.map((c) => c.conversationId), outcomes };
}
