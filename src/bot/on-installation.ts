import type { Activity, TurnContext } from 'botbuilder';
import type { Reply } from '../commands/reply';
import { messageReply } from '../commands/message-reply';
import type { ConversationInfo } from '../conversations/conversation-record';
import {
  getDefaultNotificationChannel,
  setDefaultNotificationChannel,
} from '../conversations/default-notification-channel';
import { saveConversation } from '../conversations/save-conversation';
import type { Logger } from '../logging/create-logger';
import { once } from '../store/once';
import type { Store } from '../store/store';

/** Re-installing later deserves a new hello; the twin activity of one install does not. */
const GREETING_DEDUPE_MS = 10 * 60_000;

export interface InstallationDeps {
  store: Store;
  logger: Logger;
  /** Answers in this turn (through the publisher, like every other message). */
  say(context: TurnContext, reply: Reply): Promise<void>;
}

export type InstallationOutcome = 'installed' | 'ignored';

interface TeamsChannelData {
  eventType?: unknown;
  team?: { id?: unknown };
  channel?: { id?: unknown };
  tenant?: { id?: unknown };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/**
 * What to store about the conversation an activity came from, or undefined when it lacks the
 * basics (no conversation id or service URL). Channel ids lose their `;messageid=…` suffix so
 * proactive posts start new threads. Call it on every activity to keep references fresh.
 * @example const info = conversationInfoFromActivity(context.activity, botId); if (info) await saveConversation(store, info);
 */
export function conversationInfoFromActivity(
  activity: Partial<Activity>,
  botId?: string,
): ConversationInfo | undefined {
  const rawId = str(activity.conversation?.id);
  const serviceUrl = str(activity.serviceUrl);
  const bot = str(activity.recipient?.id) ?? str(botId);
  if (!rawId || !serviceUrl || !bot) return undefined;
  const channelData = (activity.channelData ?? {}) as TeamsChannelData;
  const conv = activity.conversation!;
  const conversationType =
    conv.conversationType === 'channel'
      ? 'channel'
      : conv.conversationType === 'groupChat' || conv.isGroup
        ? 'groupChat'
        : 'personal';
  const tenantId = str(conv.tenantId) ?? str(channelData.tenant?.id);
  const teamId = str(channelData.team?.id);
  const teamsChannelId = str(channelData.channel?.id);
  const userId = conversationType === 'personal' ? str(activity.from?.id) : undefined;
  const botName = str(activity.recipient?.name);
  return {
    conversationId: rawId.split(';messageid=')[0]!,
    serviceUrl,
    channelId: str(activity.channelId) ?? 'msteams',
    conversationType,
    botId: bot,
    ...(tenantId !== undefined && { tenantId }),
    ...(botName !== undefined && { botName }),
    ...(userId !== undefined && { userId }),
    ...(teamId !== undefined && { teamId }),
    ...(teamsChannelId !== undefined && { teamsChannelId }),
  };
}

/** True when this activity says the bot itself was just added to a team or chat. */
export function isBotInstalled(activity: Partial<Activity>): boolean {
  if (activity.type === 'installationUpdate') {
    return activity.action === 'add' || activity.action === 'add-upgrade';
  }
  if (activity.type !== 'conversationUpdate') return false;
  const botId = activity.recipient?.id;
  const addedBot = (activity.membersAdded ?? []).some((m) => m.id === botId);
  const eventType = (activity.channelData as TeamsChannelData | undefined)?.eventType;
  // Teams says teamMemberAdded for a team; group and 1:1 chats carry no eventType.
  return addedBot && (eventType === undefined || eventType === 'teamMemberAdded');
}

function greeting(channel: boolean, isDefault: boolean): Reply {
  const where = channel
    ? isDefault
      ? 'Pipeline runs and approvals will be posted in this channel.'
      : 'Another channel already receives pipeline notifications; type `subscribe` here to hear about runs too.'
    : 'I will tell you here when runs you start finish.';
  return messageReply(
    'good',
    '👋 DigitRE ChatOps is here',
    `I run the DigitRE Azure DevOps pipelines from chat: \`deploy custom-qa model v3\`, \`approve prod\`, \`status\`. Type \`help\` for everything I can do. ${where} Type \`unsubscribe\` to stop notifications here.`,
  );
}

/**
 * Handles the bot being added to a team, chat or personal scope: stores the conversation
 * reference (so proactive cards can reach it after a restart, from any replica), makes the first
 * team channel the default notifications channel, and says hello there.
 * @example
 *   // in ChatOpsBot: this.onConversationUpdate / this.onInstallationUpdate
 *   await handleInstallation(context, { store, logger, say });
 */
export async function handleInstallation(
  context: TurnContext,
  deps: InstallationDeps,
): Promise<InstallationOutcome> {
  const { activity } = context;
  if (!isBotInstalled(activity)) return 'ignored';
  const info = conversationInfoFromActivity(activity);
  if (!info) {
    deps.logger.warn(
      { activityId: activity.id },
      'installation activity without a conversation; ignored',
    );
    return 'ignored';
  }
  await saveConversation(deps.store, info);
  const channel = info.conversationType === 'channel';
  let isDefault = false;
  if (channel) {
    // The first team keeps the notifications; a second installation does not take them away.
    const current = await getDefaultNotificationChannel(deps.store);
    if (!current || current === info.conversationId) {
      await setDefaultNotificationChannel(deps.store, info.conversationId);
      isDefault = true;
    }
  }
  deps.logger.info(
    { conversationId: info.conversationId, type: info.conversationType, defaultChannel: isDefault },
    'bot installed',
  );
  // Teams sends both conversationUpdate and installationUpdate for one installation: greet once.
  if (await once(deps.store, `greeted:${info.conversationId}`, GREETING_DEDUPE_MS)) {
    await deps.say(context, greeting(channel, isDefault));
  }
  return 'installed';
}
