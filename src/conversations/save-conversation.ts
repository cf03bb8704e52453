import type { Store } from '../store/store';
import { updateDoc } from '../store/update-doc';
import {
  CONVERSATIONS_COLLECTION,
  type ConversationInfo,
  type ConversationRecord,
  type PlatformReference,
} from './conversation-record';

/**
 * Upserts a conversation reference. Fields missing from this activity (an invoke may lack
 * the team id a message had) keep their stored values; nothing is written when nothing
 * changed, so calling this on every activity is cheap.
 * @example
 *   await saveConversation(store, {
 *     conversationId: '19:abc@thread.tacv2', serviceUrl, channelId: 'msteams', conversationType: 'channel', botId,
 *   });
 */
export async function saveConversation(
  store: Store,
  info: ConversationInfo,
): Promise<ConversationRecord> {
  let written: ConversationRecord | undefined;
  const doc = await updateDoc<ConversationRecord>(
    store,
    CONVERSATIONS_COLLECTION,
    info.conversationId,
    (current) => {
      const merged = withStoredFallbacks(info, current);
      const next: ConversationRecord = { ...merged, reference: toReference(merged) };
      written = next;
      return current && JSON.stringify(current) === JSON.stringify(next) ? undefined : next;
    },
  );
  return doc?.value ?? (written as ConversationRecord);
}

/**
 * The reference the Bot Framework's `continueConversationAsync` needs (a
 * `Partial<ConversationReference>`, built without botbuilder's types: the Teams channel reads it).
 * @example adapter.continueConversationAsync(appId, toReference(record), send)
 */
export function toReference(info: ConversationInfo): PlatformReference {
  return {
    channelId: info.channelId,
    serviceUrl: info.serviceUrl,
    bot: { id: info.botId, name: info.botName ?? '' },
    conversation: {
      id: info.conversationId,
      conversationType: info.conversationType,
      isGroup: info.conversationType !== 'personal',
      name: '',
      ...(info.tenantId !== undefined && { tenantId: info.tenantId }),
    },
    ...(info.userId !== undefined && { user: { id: info.userId, name: '' } }),
  };
}

/** Optional facts an activity may lack; the stored value stands in for them. */
const OPTIONAL_FIELDS = ['tenantId', 'botName', 'userId', 'teamId', 'teamsChannelId'] as const;

function withStoredFallbacks(
  info: ConversationInfo,
  stored: ConversationRecord | undefined,
): ConversationInfo {
  const merged: ConversationInfo = {
    conversationId: info.conversationId,
    serviceUrl: info.serviceUrl,
    channelId: info.channelId,
    conversationType: info.conversationType,
    botId: info.botId,
  };
  const platform = info.platform ?? stored?.platform;
  if (platform !== undefined) merged.platform = platform;
  for (const field of OPTIONAL_FIELDS) {
    const value = info[field] ?? stored?.[field];
    if (value !== undefined) merged[field] = value;
  }
  return merged;
}
