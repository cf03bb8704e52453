import type { Reply } from '../commands/reply';
import type { ChannelSendOptions, ChatChannel } from './chat-channel';

/**
 * Slack names its conversations `C…` (channels), `G…` (private channels, group DMs) and `D…`
 * (DMs): upper-case letters and digits only. Teams ids always carry a `:` (`19:…`, `a:…`).
 * @example slackConversationId('C0123ABCD') // true; slackConversationId('19:x@thread.tacv2') // false
 */
export function slackConversationId(conversationId: string): boolean {
  return /^[CDG][A-Z0-9]{2,}$/.test(conversationId);
}

/**
 * One `ChatChannel` over every platform the bot serves, so the one publisher (its run and
 * approval cards, its outbox, the event processor's notifications) reaches a Slack channel
 * through Slack and a Teams chat through Teams. The platform is read from the conversation id:
 * `render` is synchronous and must not wait for a store read, and an id's shape never changes.
 * `platform` is the primary platform's, so the outbox queue stays the one Teams already drains.
 * @example
 *   const channel = new RoutedChannel(teamsChannel, { slack: slackChannel });
 *   const publisher = new Publisher({ channel, store, clock, logger, sign });
 *   await publisher.post('C0001', reply); // chat.postMessage
 */
export class RoutedChannel implements ChatChannel {
  readonly platform: string;

  constructor(
    private readonly primary: ChatChannel,
    private readonly others: { slack?: ChatChannel },
  ) {
    this.platform = primary.platform;
  }

  /** The channel that serves `conversationId`. */
  channelFor(conversationId: string | undefined): ChatChannel {
    const slack = this.others.slack;
    return slack && conversationId !== undefined && slackConversationId(conversationId)
      ? slack
      : this.primary;
  }

  render(reply: Reply, conversationId?: string): unknown {
    return this.channelFor(conversationId).render(reply, conversationId);
  }

  send(
    conversationId: string,
    payload: unknown,
    turn?: unknown,
    options?: ChannelSendOptions,
  ): Promise<string> {
    return this.channelFor(conversationId).send(conversationId, payload, turn, options);
  }

  /** A turn belongs to the primary platform's transport (Slack's turns carry no handle). */
  threadOf(turn: unknown): string | undefined {
    return this.primary.threadOf?.(turn);
  }

  update(
    conversationId: string,
    messageId: string,
    payload: unknown,
    turn?: unknown,
  ): Promise<void> {
    return this.channelFor(conversationId).update(conversationId, messageId, payload, turn);
  }

  async openPersonalChat(
    personId: string,
    fromConversationId: string,
  ): Promise<string | undefined> {
    return this.channelFor(fromConversationId).openPersonalChat?.(personId, fromConversationId);
  }
}
