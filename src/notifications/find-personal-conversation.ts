import type { ConversationRecord } from '../conversations/conversation-record';
import { CONVERSATIONS_COLLECTION } from '../conversations/conversation-record';
import { getConversation } from '../conversations/get-conversation';
import type { RunRecord } from '../use-cases/run-record';
import type { Store } from '../store/store';

/**
 * The personal chat between the bot and whoever queued a run: the chat they asked in when it
 * was personal, else any stored personal chat with the same Teams user.
 * @example const conv = await findPersonalConversation(store, record); if (conv) await sender.send(conv, activity);
 */
export async function findPersonalConversation(
  store: Store,
  record: Pick<RunRecord, 'conversationId' | 'requestedBy'>,
): Promise<string | undefined> {
  const asked = await getConversation(store, record.conversationId);
  if (asked?.conversationType === 'personal') return asked.conversationId;
  const userId = record.requestedBy.teamsId;
  if (!userId) return undefined;
  const docs = await store.list<ConversationRecord>(CONVERSATIONS_COLLECTION);
  return docs.find((d) => d.value.conversationType === 'personal' && d.value.userId === userId)
    ?.value.conversationId;
}
