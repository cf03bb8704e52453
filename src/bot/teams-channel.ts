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
import type { ChatChannel } from '../publisher/chat-channel';
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

  async send(conversationId: string, payload: Partial<Activity>, turn?: unknown): Promise<string> {
    let id = '';
    await this.withContext(conversationId, turn, async (context) => {
      id = (await context.sendActivity(payload))?.id ?? '';
    });
    return id;
  }

  async update(
    conversationId: string,
    messageId: string,
    payload: Partial<Activity>,
    turn?: unknown,
  ): Promise<void> {
    await this.withContext(conversationId, turn, async (context) => {
      await context.updateActivity({ ...payload, id: messageId });
    });
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
   */
  private async withContext(
    conversationId: string,
    turn: unknown,
    work: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
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
      await this.opts.adapter.continueConversationAsync(
        this.opts.botAppId,
        conversation.reference as Partial<ConversationReference>,
        async (context) => {
          await run(context).catch((error: unknown) => {
            failure = { error };
          });
        },
      );
    } catch (error) {
      failure = { error };
    }
    if (failure) throw channelErrorOf(failure.error, (this.opts.clock ?? systemClock).now());
  }
}

/** A connector failure as the publisher reads it. */
function channelErrorOf(err: unknown, now: number): ChannelError {
  if (err instanceof ChannelError) return err;
  const failure = classifyDeliveryError(err, now, Number.MAX_SAFE_INTEGER);
  const message = `Teams: ${(err as Error | null)?.message ?? String(err)}`;
  const status = failure.status;
  if (failure.kind === 'permanent')
    return new ChannelError('refused', message, { status, cause: err });
  if (failure.kind === 'retryAfter')
    return new ChannelError('throttled', message, { status, retryAfterMs: failure.ms, cause: err });
  return new ChannelError('unavailable', message, { status, cause: err });
}
