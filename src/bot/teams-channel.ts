import type {
  Activity,
  ConversationParameters,
  ConversationReference,
  TurnContext,
} from 'botbuilder';
import { systemClock, type Clock } from '../clock/clock';
import type { Reply } from '../commands/reply';
import { getConversation } from '../conversations/get-conversation';
import { saveConversation } from '../conversations/save-conversation';
import type { ChannelSendOptions, ChatChannel } from '../publisher/chat-channel';
import { ChannelError } from '../publisher/delivery-errors';
import { classifyDeliveryError } from '../publisher/delivery-retry';
import type { Store } from '../store/store';
import { oneAttemptPerCall } from './one-attempt-per-call';
import { replyToActivity } from './reply-to-activity';

/** The part of botbuilder's `CloudAdapter` proactive messaging needs. */
export interface ProactiveAdapter {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
  createConversationAsync?(
    botAppId: string,
    channelId: string,
    serviceUrl: string,
    audience: string,
    parameters: ConversationParameters,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

export interface TeamsChannelOptions {
  adapter: ProactiveAdapter;
  /** `MicrosoftAppId`; '' without one (local mode). */
  botAppId: string;
  store: Store;
  /** Masked out of every card (configured secrets; pasted ones are masked anyway). */
  secrets?: readonly string[];
  /** The token audience for creating 1:1 chats (default Bot Framework public cloud). */
  audience?: string;
  /** Reads a `Retry-After` given as a date against it (default the system clock). */
  clock?: Clock;
}

/**
 * Microsoft Teams as a `ChatChannel`: Adaptive Card activities through botbuilder's
 * CloudAdapter, with the conversation reference the bot stored when it met the chat, or the
 * turn being answered. One HTTP attempt per call; connector failures become `ChannelError`s
 * (status and Retry-After read from the `RestError`).
 * @example
 *   const channel = new TeamsChannel({ adapter, botAppId: config.bot.appId ?? '', store, secrets });
 *   const publisher = new Publisher({ channel, store, clock, logger });
 */
export class TeamsChannel implements ChatChannel<Partial<Activity>> {
  readonly platform = 'teams';

  constructor(private readonly opts: TeamsChannelOptions) {}

  render(reply: Reply): Partial<Activity> {
    return replyToActivity(reply, this.opts.secrets);
  }

  /**
   * Posts a message. With `threadRootId`, in a channel, it is a reply in that thread: Teams
   * routes a message into a channel thread by the conversation id `<channel>;messageid=<root>`
   * (the Teams SDK's `toThreadedConversationId`; `replyToId` plays no part in where it lands).
   * Personal and group chats have no threads: a plain post there.
   */
  async send(
    conversationId: string,
    payload: Partial<Activity>,
    turn?: unknown,
    options: ChannelSendOptions = {},
  ): Promise<string> {
    let id = '';
    const work = async (context: TurnContext) => {
      id = (await context.sendActivity(payload))?.id ?? '';
    };
    await this.withContext(conversationId, turn, work, { threadRootId: options.threadRootId });
    return id;
  }

  /**
   * The channel thread a turn happened in: Teams delivers every channel message and click with
   * the conversation id `<channel>;messageid=<root>` (a new post names itself as the root).
   */
  threadOf(turn: unknown): string | undefined {
    const conversation = (turn as Partial<TurnContext> | undefined)?.activity?.conversation;
    if (conversation?.conversationType !== 'channel' || typeof conversation.id !== 'string') {
      return undefined;
    }
    return threadRootOf(conversation.id);
  }

  async update(
    conversationId: string,
    messageId: string,
    payload: Partial<Activity>,
    turn?: unknown,
  ): Promise<void> {
    const work = async (context: TurnContext) => {
      await context.updateActivity({ ...payload, id: messageId });
    };
    await this.withContext(conversationId, turn, work, { namesMessage: true });
  }

  /**
   * Opens (or reopens) the 1:1 chat with a Teams user (`29:…`), using the tenant and service
   * URL of a conversation the bot already has with them; saves it and resolves its id.
   */
  async openPersonalChat(
    teamsUserId: string,
    fromConversationId: string,
  ): Promise<string | undefined> {
    const create = this.opts.adapter.createConversationAsync?.bind(this.opts.adapter);
    const from = await getConversation(this.opts.store, fromConversationId);
    if (!create || !from?.tenantId || !from.botId) return undefined;
    let conversationId: string | undefined;
    await create(
      this.opts.botAppId,
      from.channelId,
      from.serviceUrl,
      this.opts.audience ?? 'https://api.botframework.com',
      {
        isGroup: false,
        bot: { id: from.botId, name: from.botName ?? '' },
        members: [{ id: teamsUserId, name: '' }],
        tenantId: from.tenantId,
        channelData: { tenant: { id: from.tenantId } },
      },
      async (context) => {
        conversationId = context.activity.conversation?.id;
      },
    );
    if (!conversationId) return undefined;
    await saveConversation(this.opts.store, {
      conversationId,
      serviceUrl: from.serviceUrl,
      channelId: from.channelId,
      tenantId: from.tenantId,
      conversationType: 'personal',
      botId: from.botId,
      ...(from.botName !== undefined && { botName: from.botName }),
      userId: teamsUserId,
    });
    return conversationId;
  }

  /**
   * Runs `work` on the turn being answered, or on a proactive turn from the stored reference.
   * Its error is caught inside the logic and rethrown after: with an `onTurnError` set,
   * botbuilder's `runMiddleware` hands errors from the logic to it and resolves, so the retries
   * and the outbox never saw a failed send (and onTurnError posted "Something went wrong").
   * `namesMessage`: the call is about one message (an update's), so a 404 says it is gone.
   */
  private async withContext(
    conversationId: string,
    turn: unknown,
    work: (context: TurnContext) => Promise<void>,
    call: { threadRootId?: string | undefined; namesMessage?: boolean } = {},
  ): Promise<void> {
    const { threadRootId } = call;
    const run = async (context: TurnContext) => {
      oneAttemptPerCall(context);
      await work(context);
    };
    let failure: { error: unknown } | undefined;
    try {
      if (turn) {
        await run(turn as TurnContext);
        return;
      }
      const conversation = await getConversation(this.opts.store, conversationId);
      if (!conversation) {
        throw new ChannelError('refused', `no stored conversation ${conversationId}`);
      }
      let reference = conversation.reference as Partial<ConversationReference>;
      if (threadRootId !== undefined && conversation.conversationType === 'channel') {
        const threaded = `${conversationId};messageid=${threadRootId}`;
        reference = { ...reference, conversation: { ...reference.conversation!, id: threaded } };
      }
      await this.opts.adapter.continueConversationAsync(
        this.opts.botAppId,
        reference,
        async (context) => {
          await run(context).catch((error: unknown) => {
            failure = { error };
          });
        },
      );
    } catch (error) {
      failure = { error };
    }
    if (failure) {
      const namesMessage = call.namesMessage === true || threadRootId !== undefined;
      throw channelErrorOf(failure.error, (this.opts.clock ?? systemClock).now(), namesMessage);
    }
  }
}

/**
 * The root message id in a threaded Teams conversation id (`19:…@thread.tacv2;messageid=123`),
 * read as the Teams SDK reads it (a non-zero number); undefined for any other id.
 * @example threadRootOf('19:ops@thread.tacv2;messageid=1764400000001') // '1764400000001'
 */
export function threadRootOf(conversationId: string): string | undefined {
  const root = /^[^;]+;messageid=(\d+)$/.exec(conversationId)?.[1];
  return root === undefined || /^0+$/.test(root) ? undefined : root;
}

/**
 * A connector failure as the publisher reads it. A call about one message (an update, a reply
 * into a thread) answered 404 means that message is not in the chat: Teams answers an update of
 * an unknown or deleted message with 404 `ActivityNotFoundInConversation` ("Message does not
 * exist in the thread.", also what Microsoft 365 Agents Playground answers), and a reply under a
 * thread root that is not there with 404 `ConversationNotFound`; a plain post answered 404 means
 * the conversation itself is unknown, which posting again cannot fix.
 */
function channelErrorOf(err: unknown, now: number, namesMessage: boolean): ChannelError {
  if (err instanceof ChannelError) return err;
  const failure = classifyDeliveryError(err, now, Number.MAX_SAFE_INTEGER);
  const message = `Teams: ${(err as Error | null)?.message ?? String(err)}`;
  const status = failure.status;
  if (failure.kind === 'permanent') {
    const gone = namesMessage && status === 404;
    return new ChannelError(gone ? 'gone' : 'refused', message, { status, cause: err });
  }
  if (failure.kind === 'retryAfter')
    return new ChannelError('throttled', message, { status, retryAfterMs: failure.ms, cause: err });
  return new ChannelError('unavailable', message, { status, cause: err });
}
