import type { ConversationRecord } from '../conversations/conversation-record';
import { CONVERSATIONS_COLLECTION } from '../conversations/conversation-record';
import { getConversation } from '../conversations/get-conversation';
import type { Publisher } from '../publisher/publisher';
import type { RunRecord } from '../use-cases/run-record';
import type { Store } from '../store/store';

/**
 * The stored personal chats of chat users (Teams `29:…`, Slack `U…`), by user id: one read of
 * the conversations for any number of people. Users without one are absent.
 * @example const chats = await storedPersonalChats(store, ['29:rm']); chats.get('29:rm') // 'a:rm'
 */
export async function storedPersonalChats(
  store: Store,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  const wanted = new Set(userIds);
  const found = new Map<string, string>();
  if (wanted.size === 0) return found;
  for (const { value } of await store.list<ConversationRecord>(CONVERSATIONS_COLLECTION)) {
    if (value.conversationType !== 'personal' || !value.userId || !wanted.has(value.userId))
      continue;
    if (!found.has(value.userId)) found.set(value.userId, value.conversationId);
  }
  return found;
}

/**
 * THE personal chat of a chat user: the stored one, else one opened through the platform of
 * `from` (a conversation the bot has with them or their team), else undefined. Throws when
 * opening fails (the caller decides whether that matters).
 * @example const chat = await personalChatOf(store, publisher, '29:rm', record.conversationId);
 */
export async function personalChatOf(
  store: Store,
  publisher: Pick<Publisher, 'openPersonalChat'>,
  userId: string,
  from: string | undefined,
): Promise<string | undefined> {
  const known = (await storedPersonalChats(store, [userId])).get(userId);
  if (known || from === undefined) return known;
  return publisher.openPersonalChat(userId, from);
}

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
  return (await storedPersonalChats(store, [userId])).get(userId);
}
