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
 * Replaces every posted card of an approval (it was decided) with `reply`; each chat's card is
 * rendered for that chat. Resolves one settled result per chat, in the order of `chats`.
 * @example const { chats, outcomes } = await updateApprovalCards(publisher, approval.id, decidedReply);
 */
export async function updateApprovalCards(
  publisher: Publisher,
  approvalId: string,
  reply: Reply,
): Promise<{ chats: string[]; outcomes: PromiseSettledResult<void>[] }> {
  const cards = await listApprovalCards(publisher.store, approvalId);
  const outcomes = await Promise.allSettled(
    cards.map((c) => publisher.replace(c.conversationId, c.activityId, reply)),
  );
  return { chats: cards.map((c) => c.conversationId), outcomes };
}
