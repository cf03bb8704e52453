import type { Reply } from '../commands/reply';
import { saveConversation } from '../conversations/save-conversation';
import type { ChatChannel } from '../publisher/chat-channel';
import { ChannelError } from '../publisher/delivery-errors';
import type { Store } from '../store/store';
import { renderBlocks } from './render-blocks';
import { SlackApiError } from './slack-api-error';
import type { SlackChannel, SlackMessage } from './slack-channel';

/**
 * Slack as the publisher's `ChatChannel`: a reply rendered as Block Kit, posted with
 * chat.postMessage (the message id is its `ts`), replaced with chat.update, a DM opened with
 * conversations.open. One attempt per call; Slack's failures become `ChannelError`s so the
 * publisher's retry rules (429 + Retry-After → wait, else backoff, then the outbox) apply as
 * for Teams.
 * @example
 *   const channel = new SlackChatChannel({ slack: new SlackChannel({ botToken, apiUrl, logger }), store });
 *   const publisher = new Publisher({ channel, store, clock, logger, sign });
 */
export class SlackChatChannel implements ChatChannel<SlackMessage> {
  readonly platform = 'slack';

  constructor(
    private readonly opts: { slack: SlackChannel; store: Store; secrets?: readonly string[] },
  ) {}

  render(reply: Reply): SlackMessage {
    return renderBlocks(reply, this.opts.secrets ?? []);
  }

  async send(conversationId: string, payload: SlackMessage): Promise<string> {
    return (await slackCall(() => this.opts.slack.send(conversationId, payload))).ts;
  }

  async update(conversationId: string, messageId: string, payload: SlackMessage): Promise<void> {
    await slackCall(() => this.opts.slack.update(conversationId, messageId, payload));
  }

  /** Only `user` sees it: a refusal of a click in a shared channel. */
  async ephemeral(conversationId: string, user: string, payload: SlackMessage): Promise<void> {
    await slackCall(() => this.opts.slack.ephemeral(conversationId, user, payload));
  }

  /** A modal for the person who clicked (`views.open` with the click's trigger id). */
  async openView(triggerId: string, view: Record<string, unknown>): Promise<void> {
    await slackCall(() => this.opts.slack.openView(triggerId, view));
  }

  /** The DM with a Slack user (`U…`), remembered as their personal chat. */
  async openPersonalChat(slackUserId: string): Promise<string | undefined> {
    const id = await slackCall(() => this.opts.slack.openDm(slackUserId));
    if (!id) return undefined;
    await saveConversation(this.opts.store, slackConversationInfo(id, 'personal', slackUserId));
    return id;
  }
}

/**
 * What the conversation record keeps of a Slack conversation: the platform and the kind (the
 * Bot Framework fields stay empty; Slack needs only the id and the bot token).
 * @example await saveConversation(store, slackConversationInfo('C0001', 'channel'));
 */
export function slackConversationInfo(
  conversationId: string,
  conversationType: 'personal' | 'channel' | 'groupChat',
  userId?: string,
) {
  return {
    conversationId,
    platform: 'slack' as const,
    serviceUrl: '',
    channelId: 'slack',
    conversationType,
    botId: '',
    ...(userId !== undefined && { userId }),
  };
}

async function slackCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw channelErrorOf(err);
  }
}

/** A Slack failure as the publisher reads it; anything else is left to its classifier. */
function channelErrorOf(err: unknown): unknown {
  if (!(err instanceof SlackApiError)) return err;
  const options = { status: err.status, cause: err };
  switch (err.code) {
    case 'rateLimited':
      return new ChannelError('throttled', err.message, {
        ...options,
        retryAfterMs: err.retryAfterMs ?? 1000,
      });
    case 'unreachable':
      return new ChannelError('unavailable', err.message, options);
    default:
      // chat.update of a message someone deleted: the publisher posts the card again.
      if (err.slackError === 'message_not_found')
        return new ChannelError('gone', err.message, options);
      return new ChannelError('refused', err.message, options);
  }
}
