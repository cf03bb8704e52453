import type { Clock } from '../clock/clock';
import type { Reply } from '../commands/reply';
import type { Logger } from '../logging/create-logger';
import type { Store } from '../store/store';
import type { ChatChannel } from './chat-channel';
import { DeliveryDeferredError } from './delivery-errors';
import { withinBudget, type RetryPolicy } from './delivery-retry';
import { publishAnswer } from './in-turn-reply';
import { Outbox, type OutboxItem, type SendTag, type ThreadRef } from './outbox';
import { sendInThread } from './thread-send';

export interface PublisherOptions extends RetryPolicy {
  channel: ChatChannel;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Adds signed tokens to the button data of a card posted in `conversationId`. */
  sign?<T>(data: T, conversationId: string): T;
  sleep?(ms: number): Promise<void>;
}

/** How one send goes: inside a turn (the platform's turn handle), within a shorter budget. */
export interface SendOptions {
  /** The platform's handle of the turn being answered; absent for notifications. */
  turn?: unknown;
  /** Longest total wait between attempts before the outbox takes it. */
  budgetMs?: number;
  /** Attempts before the outbox takes it (default the policy's). */
  maxAttempts?: number;
  /** The thread a new message belongs to (a run's, the turn's); kept with it in the outbox. */
  thread?: ThreadRef;
}

/**
 * The one way out to a chat, for every card the bot sends: signs a reply's button data,
 * renders it through the platform's channel, sends or updates it, retries within a budget
 * (honouring Retry-After) and hands what still fails to the shared outbox, which
 * `drainOutbox()` delivers later from any replica. Card bookkeeping (one live card per run per
 * chat, one approval card per approval per chat) is in `run-card-publisher.ts` and
 * `approval-card-publisher.ts`, built on this.
 * @example
 *   const publisher = new Publisher({ channel, store, clock, logger, sign });
 *   const id = await publisher.post('19:ops@thread.tacv2', { card: 'message', data });
 *   await publisher.replace('19:ops@thread.tacv2', id, next);
 */
export class Publisher {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  private seq = 0;
  private draining: Promise<{ delivered: number; pending: number }> | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly outbox: Outbox;

  constructor(private readonly opts: PublisherOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.outbox = new Outbox({
      store: opts.store,
      clock: opts.clock,
      logger: opts.logger,
      policy: opts,
      platform: opts.channel.platform,
    });
  }

  /** The platform the channel talks to ('teams', 'slack'). */
  get platform(): string {
    return this.opts.channel.platform;
  }

  /**
   * The reply as the platform's message for `conversationId`: button data signed for that chat.
   * @example const payload = publisher.render({ card: 'run-status', data }, conversationId);
   */
  render(reply: Reply, conversationId: string): unknown {
    const data = this.opts.sign ? this.opts.sign(reply.data, conversationId) : reply.data;
    return this.opts.channel.render({ ...reply, data } as Reply, conversationId);
  }

  /**
   * A command's answer (or any reply that may show a run): sent through the turn being answered
   * when there is one (`inTurn`, the platform's turn handle), within the turn's budget. A reply
   * showing a run claims the run's one live card in the chat first, so notifications never post
   * a second one (see `in-turn-reply.ts`). Resolves the message id, or undefined when the
   * outbox took it.
   * @example await publisher.publish(ctx.conversation.id, reply, { inTurn: context });
   */
  publish(
    conversationId: string,
    reply: Reply,
    options: { inTurn?: unknown; budgetMs?: number } = {},
  ): Promise<string | undefined> {
    return publishAnswer(
      this,
      { conversationId, turn: options.inTurn, budgetMs: options.budgetMs },
      reply,
    );
  }

  /** Posts a reply; resolves the message id. Throws `DeliveryDeferredError` when the outbox took it. */
  post(
    conversationId: string,
    reply: Reply,
    tag?: SendTag,
    options?: SendOptions,
  ): Promise<string> {
    return this.send(conversationId, this.render(reply, conversationId), tag, options);
  }

  /** Replaces a posted message with a reply. Throws `DeliveryDeferredError` when the outbox took it. */
  async replace(
    conversationId: string,
    messageId: string,
    reply: Reply,
    tag?: SendTag,
    options?: SendOptions,
  ): Promise<void> {
    await this.update(conversationId, messageId, this.render(reply, conversationId), tag, options);
  }

  /** Sends an already rendered message (see `render`); resolves its id. */
  send(
    conversationId: string,
    payload: unknown,
    tag?: SendTag,
    options?: SendOptions,
  ): Promise<string> {
    const item = this.item('send', conversationId, payload, undefined, tag, options?.thread);
    return this.withRetries(item, options);
  }

  /** Replaces a message with an already rendered one. */
  async update(
    conversationId: string,
    messageId: string,
    payload: unknown,
    tag?: SendTag,
    options?: SendOptions,
  ): Promise<void> {
    await this.withRetries(this.item('update', conversationId, payload, messageId, tag), options);
  }

  /**
   * Puts a send straight into the outbox, without trying now: for a card whose first post is
   * still on its way (another state of it must not post a second card), and for a turn that
   * ran out of time to answer. Resolves the outbox id.
   */
  defer(
    conversationId: string,
    payload: unknown,
    tag?: SendTag,
    options: { behindFirstPost?: boolean; thread?: ThreadRef } = {},
  ): Promise<string> {
    const item = this.item('send', conversationId, payload, undefined, tag, options.thread);
    return this.outbox.add(options.behindFirstPost ? { ...item, behindFirstPost: true } : item);
  }

  /** The thread the turn being answered happened in (see `ChatChannel.threadOf`). */
  threadOf(turn: unknown): string | undefined {
    return this.opts.channel.threadOf?.(turn);
  }

  /** Opens the 1:1 chat with a person (see `ChatChannel.openPersonalChat`). */
  async openPersonalChat(
    personId: string,
    fromConversationId: string,
  ): Promise<string | undefined> {
    return this.opts.channel.openPersonalChat?.(personId, fromConversationId);
  }

  /**
   * Delivers what waits in the outbox, oldest first, one attempt each; what still fails goes
   * back with a longer delay. Resolves how many were delivered and how many remain claimed out.
   */
  drainOutbox(limit = 50): Promise<{ delivered: number; pending: number }> {
    this.draining ??= this.outbox
      .drain((item) => this.deliver(item), limit)
      .finally(() => {
        this.draining = undefined;
      });
    return this.draining;
  }

  /** Resolves once no outbox drain is running (shutdown). */
  async idle(): Promise<void> {
    await this.draining?.catch(() => undefined);
  }

  /** Items waiting in the outbox. */
  outboxLength(): Promise<number> {
    return this.outbox.length();
  }

  private item(
    kind: OutboxItem['kind'],
    conversationId: string,
    payload: unknown,
    messageId?: string,
    tag?: SendTag,
    thread?: ThreadRef,
  ): OutboxItem {
    return {
      kind,
      conversationId,
      payload,
      ...(messageId !== undefined && { messageId }),
      ...(tag !== undefined && { tag }),
      ...(thread !== undefined && { thread }),
      createdAt: this.opts.clock.now(),
      seq: this.seq++,
    };
  }

  private async withRetries(item: OutboxItem, options: SendOptions = {}): Promise<string> {
    const { logger, clock } = this.opts;
    const result = await withinBudget(() => this.deliver(item, options.turn), {
      now: () => clock.now(),
      sleep: this.sleep,
      policy: {
        ...this.opts,
        ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
      },
      what: item.kind,
      ...(options.budgetMs !== undefined && { budgetMs: options.budgetMs }),
      onRetry: (info) =>
        logger.warn(
          { conversationId: item.conversationId, kind: item.kind, ...info },
          'channel send failed; retrying',
        ),
    });
    if (result.ok) return result.value;
    const outboxId = await this.outbox.add(item);
    logger.warn(
      { conversationId: item.conversationId, kind: item.kind, outboxId, err: result.error },
      'channel send kept failing; kept in the outbox for later delivery',
    );
    throw new DeliveryDeferredError(outboxId, result.error);
  }

  /** One attempt; resolves the message id (an update's own). */
  private async deliver(item: OutboxItem, turn?: unknown): Promise<string> {
    const { channel, store, logger } = this.opts;
    if (item.kind === 'send') return sendInThread({ channel, store, logger }, item, turn);
    const messageId = item.messageId ?? '';
    await channel.update(item.conversationId, messageId, item.payload, turn);
    return messageId;
  }
}
