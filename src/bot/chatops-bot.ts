import {
  TeamsActivityHandler,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { CardActionSpec } from '../actions/card-actions';
import type { CardSigner } from '../actions/card-signer';
import type { RateLimiter } from '../auth/rate-limiter';
import type { TenantPolicy } from '../auth/tenant-policy';
import type { CommandDeps, CommandRegistry } from '../commands/command-spec';
import { createTurnPipeline } from '../core/create-turn-pipeline';
import { DeliveryLedger } from '../core/delivery-ledger';
import { OTHER_TENANT, refusedTenant, type TenantDeps } from '../core/middleware/tenant';
import { newTurn, type Turn, type TurnAnswer } from '../core/turn';
import type { TurnPipeline } from '../core/turn-pipeline';
import type { Logger } from '../logging/create-logger';
import type { Metrics } from '../metrics/metrics';
import type { Publisher } from '../publisher/publisher';
import {
  actorFromActivity,
  deliveryIdOf,
  conversationFromActivity,
  tenantsOfActivity,
} from './actor-from-activity';
import { errorResponse, invokeResponse } from './invoke-response';
import { parseCardInvoke } from './parse-card-invoke';
import type { PersonSignIn } from './person-sign-in';
import { RecentConversations } from './recent-conversations';
import { teamsCapabilities } from './teams-capabilities';
import { TeamsReplies } from './teams-replies';
import { SignInInvokes } from './sign-in-invokes';

export interface ChatOpsBotOptions {
  registry: CommandRegistry;
  actions: readonly CardActionSpec<never>[];
  deps: CommandDeps;
  logger: Logger;
  metrics?: Metrics;
  /** Verifies the tokens on clicked buttons (the publisher signs them). */
  signer: CardSigner;
  /** Which deliveries are done, shared with the other transports (default: one of its own). */
  ledger?: DeliveryLedger;
  /** The one way out to a chat: every answer of a turn goes through it. */
  publisher: Publisher;
  /** Per-person command rate limit; none = unlimited. */
  rateLimiter?: RateLimiter;
  /** Saves the conversation's reference (called when what Teams says about it changed). */
  onActivitySeen?(context: TurnContext): Promise<void>;
  /** The bot was added to a team, a chat or a personal scope. */
  onInstalled?(context: TurnContext): Promise<void>;
  /** Acting as the person (a sign-in connection is configured); none = the bot's identity acts. */
  signIn?: PersonSignIn;
  /** The tenant boundary (`CHATOPS_ALLOWED_TENANTS`); none = every tenant. */
  tenantPolicy?: TenantPolicy;
  /** How long a turn may spend retrying its replies before the outbox takes them (default 4 s). */
  replyBudgetMs?: number;
}

/**
 * The Teams transport: an activity becomes a platform-neutral turn for the turn pipeline
 * (src/core), and the pipeline's answer becomes activities and invoke responses. Business logic
 * lives in src/commands and src/actions; cross-cutting concerns in src/core/middleware.
 */
export class ChatOpsBot extends TeamsActivityHandler {
  private readonly ledger: DeliveryLedger;
  private readonly pipeline: TurnPipeline;
  private readonly replies: TeamsReplies;
  private readonly recent = new RecentConversations();
  private readonly tenantDeps: TenantDeps;
  private readonly signInInvokes: SignInInvokes | undefined;

  constructor(private readonly opts: ChatOpsBotOptions) {
    super();
    const { deps, logger } = opts;
    this.ledger = opts.ledger ?? new DeliveryLedger(deps.store, logger);
    this.replies = new TeamsReplies(opts);
    this.pipeline = createTurnPipeline({ ...opts, ledger: this.ledger });
    this.tenantDeps = { ...deps, policy: opts.tenantPolicy, logger };
    this.signInInvokes =
      opts.signIn &&
      new SignInInvokes({
        signIn: opts.signIn,
        store: deps.store,
        ledger: this.ledger,
        say: (context, reply) =>
          this.replies.send(context, conversationFromActivity(context.activity).id, reply),
        resume: (context, text, userToken, activityId) => {
          logger.info({ activityId, actor: context.activity.from?.id }, 'signed in; resuming');
          return this.runMessage(context, { text, resumed: true, userToken, effectId: activityId });
        },
      });
    this.onMessage(async (context, next) => {
      const text = typeof context.activity.text === 'string' ? context.activity.text : '';
      await this.runMessage(context, { text, deliveryId: deliveryIdOf(context.activity) });
      await next();
    });
    const installed = async (context: TurnContext, next: () => Promise<void>) => {
      this.recent.forget(context.activity);
      if (!(await this.refused(context, 'install'))) await this.opts.onInstalled?.(context);
      await next();
    };
    this.onConversationUpdate(installed);
    this.onInstallationUpdate(installed);
  }

  /** Card clicks are validated here before botbuilder reads them (it trusts their shape). */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const { name } = context.activity;
    if (name === 'adaptiveCard/action') return invokeResponse(await this.runClick(context));
    if (await this.refused(context, 'invoke')) return { status: 403 };
    const answered = await this.signInInvokes?.answer(context);
    return answered ?? super.onInvokeActivity(context);
  }

  /** A message (or one resumed after a sign-in) through the pipeline; answers go out in the turn. */
  private async runMessage(
    context: TurnContext,
    init: Pick<Turn, 'text' | 'deliveryId' | 'resumed' | 'userToken' | 'effectId'>,
  ): Promise<void> {
    const conversationId = conversationFromActivity(context.activity).id;
    await this.pipeline(
      this.turnOf(context, { kind: 'message', ...init }, async (answer) => {
        if (answer.kind === 'reply') await this.replies.send(context, conversationId, answer.reply);
        if (answer.kind === 'platform') {
          await this.replies.post(context, conversationId, answer.payload as Partial<Activity>);
        }
      }),
    );
  }

  private async runClick(context: TurnContext): Promise<AdaptiveCardInvokeResponse> {
    const parsed = parseCardInvoke(context.activity.value);
    const spec = parsed.ok ? this.opts.actions.find((a) => a.verb === parsed.verb) : undefined;
    const data = parsed.ok && spec ? spec.data.safeParse(parsed.data) : undefined;
    if (!parsed.ok || !spec || !data?.success) {
      // A foreign tenant learns nothing, not even that its click was malformed.
      if (await this.refused(context, 'card')) return errorResponse(403, OTHER_TENANT);
      if (!parsed.ok) return errorResponse(400, parsed.message);
      if (!spec) return errorResponse(400, `Unknown action \`${parsed.verb.slice(0, 40)}\`.`);
      return errorResponse(
        400,
        'This button carries data I cannot read; the card may be outdated.',
      );
    }
    let response: AdaptiveCardInvokeResponse | undefined;
    const click = { spec, data: data.data, token: parsed.token, signIn: parsed.signIn };
    const turn = this.turnOf(
      context,
      { kind: 'cardAction', deliveryId: deliveryIdOf(context.activity), click },
      async (answer) => {
        response = await this.clickAnswer(context, answer);
      },
    );
    const answer = await this.pipeline(turn);
    return response ?? (await this.clickAnswer(context, answer));
  }

  /** A click's answer as its invoke response; a card for everyone and a follow-up are sent here. */
  private async clickAnswer(
    context: TurnContext,
    answer: TurnAnswer,
  ): Promise<AdaptiveCardInvokeResponse> {
    if (answer.kind === 'platform') return answer.payload as AdaptiveCardInvokeResponse;
    if (answer.kind === 'refused') return errorResponse(answer.status, answer.message);
    if (answer.kind !== 'card') return errorResponse(409, 'That click was already handled.');
    const { result } = answer;
    const conversationId = conversationFromActivity(context.activity).id;
    const card = this.replies.render(result.card, conversationId);
    const cardMessageId = context.activity.replyToId;
    if (result.updateForEveryone && cardMessageId) {
      // A decision that happened is never turned into an error by a channel hiccup.
      await this.replies.updateForEveryone(context, conversationId, cardMessageId, card);
    }
    if (result.followUp) await this.replies.send(context, conversationId, result.followUp);
    const content = card.attachments?.[0]?.content as Record<string, unknown>;
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: content };
  }

  private turnOf(
    context: TurnContext,
    init: Pick<
      Turn,
      'kind' | 'text' | 'click' | 'deliveryId' | 'resumed' | 'userToken' | 'effectId'
    >,
    deliver: (answer: TurnAnswer) => Promise<void>,
  ): Turn {
    const { activity } = context;
    const { onActivitySeen, deps, signIn } = this.opts;
    const rememberConversation =
      onActivitySeen &&
      (async () => {
        const now = deps.clock.now();
        if (this.recent.isFresh(activity, now)) return;
        await onActivitySeen(context);
        this.recent.saved(activity, now);
      });
    return newTurn({
      platform: 'teams',
      ...init,
      actor: actorFromActivity(activity),
      conversation: conversationFromActivity(activity),
      tenantIds: tenantsOfActivity(activity),
      capabilities: teamsCapabilities(context, {
        deliver,
        ...(rememberConversation && { rememberConversation }),
        clock: deps.clock,
        ...(signIn && { signIn }),
      }),
    });
  }

  /**
   * The process is shutting down: stops the delivery ledger and records a clean stop, so the
   * next process on a one-process store does not treat its first deliveries as redeliveries.
   * Call it before the store closes.
   */
  close(): Promise<void> {
    return this.ledger.close();
  }

  /** True (logged and audited) when the activity comes from outside the tenant boundary. */
  private refused(context: TurnContext, kind: string): Promise<boolean> {
    const { activity } = context;
    return refusedTenant(
      this.tenantDeps,
      {
        actor: actorFromActivity(activity),
        conversation: conversationFromActivity(activity),
        tenantIds: tenantsOfActivity(activity),
        deliveryId: deliveryIdOf(activity),
      },
      kind,
    );
  }
}
