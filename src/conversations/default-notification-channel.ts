import type { Store } from '../store/store';
import { DEFAULT_CHANNEL_KEY, SETTINGS_COLLECTION } from './conversation-record';

interface DefaultChannelSetting {
  conversationId: string;
}

/**
 * Makes `conversationId` the channel where approvals and unsubscribed run news go.
 * Last writer wins: the latest `set notifications here` is what people expect.
 * @example await setDefaultNotificationChannel(store, '19:ops@thread.tacv2');
 */
export async function setDefaultNotificationChannel(
  store: Store,
  conversationId: string,
): Promise<void> {
  const value: DefaultChannelSetting = { conversationId };
  await store.put(SETTINGS_COLLECTION, DEFAULT_CHANNEL_KEY, value);
}

/**
 * The default notifications channel's conversation id, if one was set.
 * @example const channel = await getDefaultNotificationChannel(store);
 */
export async function getDefaultNotificationChannel(store: Store): Promise<string | undefined> {
  const doc = await store.get<DefaultChannelSetting>(SETTINGS_COLLECTION, DEFAULT_CHANNEL_KEY);
  return doc?.value.conversationId;
}
