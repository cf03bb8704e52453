/** Store collections (see `src/store/store.ts`). */
export const CONVERSATIONS_COLLECTION = 'conversations';
export const SETTINGS_COLLECTION = 'settings';
export const RUN_CARDS_COLLECTION = 'run-cards';
export const DEFAULT_CHANNEL_KEY = 'default-notification-channel';

/**
 * What the bot learns about a conversation from an incoming activity: enough to post there
 * later (proactively) from any replica, after a restart.
 */
export interface ConversationInfo {
  /**
   * For a channel, the channel's id without `;messageid=…`, so proactive sends start new
   * posts rather than replying in one thread.
   */
  conversationId: string;
  /** The chat platform the conversation lives on; absent on records written before Slack ('teams'). */
  platform?: 'teams' | 'slack';
  serviceUrl: string;
  /** Bot Framework channel, `msteams` (`slack` for Slack conversations). */
  channelId: string;
  tenantId?: string;
  conversationType: 'personal' | 'channel' | 'groupChat';
  botId: string;
  botName?: string;
  /** The person in a personal chat (Teams `29:…`, Slack `U…`). */
  userId?: string;
  teamId?: string;
  teamsChannelId?: string;
}

/**
 * How the chat platform addresses a conversation (for Teams, botbuilder's
 * `ConversationReference`). Opaque here: only that platform's channel reads it, so nothing
 * outside the transport depends on an SDK's types.
 */
export type PlatformReference = Readonly<Record<string, unknown>>;

/** The stored document: the facts plus the platform's own reference to the conversation. */
export interface ConversationRecord extends ConversationInfo {
  reference: PlatformReference;
}
