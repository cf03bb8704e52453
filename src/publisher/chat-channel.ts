import type { Reply } from '../commands/reply';

/** Where in a conversation a new message goes. */
export interface ChannelSendOptions {
  /** Reply in the thread whose first message has this id (where the conversation has threads). */
  threadRootId?: string;
}

/**
 * The chat platform as the publisher sees it: it renders a reply into its own payload (an
 * Adaptive Card activity for Teams, Block Kit for Slack), posts and replaces messages, and opens
 * a 1:1 chat. One HTTP attempt per call: retries, Retry-After and the outbox are the publisher's.
 * Every failure is thrown as a `ChannelError` (status and Retry-After read from the platform's
 * answer), so the publisher never looks at an SDK's error shapes.
 *
 * `turn` is the platform's own handle of the turn being answered (Teams: its `TurnContext`),
 * opaque here: a reply inside a turn goes through it, a notification has none.
 * @example
 *   const id = await channel.send('19:ops@thread.tacv2', channel.render({ card: 'message', data }));
 *   await channel.update('19:ops@thread.tacv2', id, channel.render(next));
 */
export interface ChatChannel<Payload = unknown> {
  /** 'teams' or 'slack': tags what the outbox keeps, so only that platform delivers it. */
  readonly platform: string;
  /**
   * The reply as this platform's message (button data already signed); JSON-serializable.
   * `conversationId` is where it goes (a channel serving several platforms picks by it).
   */
  render(reply: Reply, conversationId?: string): Payload;
  /**
   * Posts a new message; resolves its id. `options.threadRootId` posts it as a reply in the
   * thread of that message, where the conversation has threads (a Teams channel); elsewhere it
   * is a plain post. Inside a turn the message goes where the turn's own answers go.
   */
  send(
    conversationId: string,
    payload: Payload,
    turn?: unknown,
    options?: ChannelSendOptions,
  ): Promise<string>;
  /** Replaces a message the bot posted. */
  update(
    conversationId: string,
    messageId: string,
    payload: Payload,
    turn?: unknown,
  ): Promise<void>;
  /**
   * The thread the turn being answered happened in (its root message id), where the platform
   * has threads and the turn says which (Teams: a channel post's `;messageid=`); else undefined.
   */
  threadOf?(turn: unknown): string | undefined;
  /**
   * Opens (or reopens) the 1:1 chat with a person the bot met in `fromConversationId`; resolves
   * its conversation id, or undefined when this setup cannot.
   */
  openPersonalChat?(personId: string, fromConversationId: string): Promise<string | undefined>;
}
