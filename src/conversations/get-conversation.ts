import type { Store } from '../store/store';
import { CONVERSATIONS_COLLECTION, type ConversationRecord } from './conversation-record';

/**
 * The stored reference of a conversation the bot has seen, for proactive sends.
 * @example const conv = await getConversation(store, id); if (conv) await adapter.continueConversationAsync(appId, conv.reference, send);
 */
export async function getConversation(
  store: Store,
  conversationId: string,
): Promise<ConversationRecord | undefined> {
  return (await store.get<ConversationRecord>(CONVERSATIONS_COLLECTION, conversationId))?.value;
}
