import {
  TeamsActivityHandler,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { CardActionSpec } from '../actions/card-actions';
import { signCardData, type CardSigner } from '../actions/card-signer';
import type { RateLimiter } from '../auth/rate-limiter';
import type { CommandContext, CommandDeps, CommandRegistry } from '../commands/command-spec';
import { audit } from '../commands/handler-kit';
import { messageReply } from '../commands/message-reply';
import { parseCommand } from '../commands/parse-command';
import type { Reply } from '../commands/reply';
import { usageReply } from '../commands/usage-reply';
import { claimRunCardCreation, getRunCard, rememberRunCard } from '../conversations/run-card';
import type { Logger } from '../logging/create-logger';
import type { Metrics } from '../metrics/metrics';
import { once } from '../store/once';
import { actorFromActivity, conversationFromActivity } from './actor-from-activity';
import { identifyActor } from './identify-actor';
import { parseCardInvoke } from './parse-card-invoke';

/** How long a processed activity id is remembered, so a Teams retry is not run twice. */
const ACTIVITY_DEDUPE_MS = 24 * 60 * 60 * 1000;

export interface ChatOpsBotOptions {
  registry: CommandRegistry;
  actions: readonly CardActionSpec<never>[];
  deps: CommandDeps;
  logger: Logger;
  metrics?: Metrics;
  signer: CardSigner;
  /** Reply value → the activity to send (cards rendered from templates). */
  toActivity(reply: Reply): Partial<Activity>;
  /** Per-person command rate limit; none = unlimited. */
  rateLimiter?: RateLimiter;
  /** Called for every activity a person sends (keeps conversation references fresh). */
  onActivitySeen?(context: TurnContext): Promise<void>;
  /** The bot was added to a team, a chat or a personal scope. */
  onInstalled?(context: TurnContext): Promise<void>;
}

/**
 * Teams transport only: turns a message into a command run, a card click into a card action,
 * and their Reply into a card. Business logic lives in src/commands and src/actions.
 */
export class ChatOpsBot extends TeamsActivityHandler {
  constructor(private readonly opts: ChatOpsBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onConversationUpdate(async (context, next) => {
      await this.opts.onInstalled?.(context);
      await next();
    });
    this.onInstallationUpdate(async (context, next) => {
      await this.opts.onInstalled?.(context);
      await next();
    });
  }

  /** Card clicks are validated here before botbuilder reads them (it trusts their shape). */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== 'adaptiveCard/action') return super.onInvokeActivity(context);
    const response = await this.handleCardAction(context);
    return { status: response.statusCode, body: response };
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (activity.id && !(await this.firstDelivery(activity.id))) {
      this.opts.logger.info({ activityId: activity.id }, 'duplicate activity ignored');
      return;
    }
    // Limited before any lookup or store write, so a flood costs as little as possible.
    const limited = this.opts.rateLimiter?.take(actorFromActivity(activity).id);
    await this.opts.onActivitySeen?.(context);
    const ctx = await this.commandContext(context);
    const reply =
      limited && !limited.allowed
        ? messageReply(
            'warning',
            'Slow down a little',
            `You have sent a lot of commands in a short time. Try again in ${Math.ceil(limited.retryAfterMs / 1000)} s.`,
          )
        : await this.replyFor(typeof activity.text === 'string' ? activity.text : '', ctx);
    await this.send(context, ctx, reply);
  }

  private async replyFor(text: string, ctx: CommandContext): Promise<Reply> {
    const { deps, registry, logger, metrics } = this.opts;
    const parsed = parseCommand(text, registry, { catalog: deps.catalog });
    if (!parsed.ok) {
      metrics?.commands.inc({ command: parsed.error.command ?? 'unknown', outcome: 'usage' });
      return usageReply(parsed.error);
    }
    logger.info(
      { activityId: ctx.activityId, command: parsed.spec.name, actor: ctx.actor.id },
      'command',
    );
    const reply = await parsed.spec.run(parsed.args, ctx, deps);
    const outcome = reply.card === 'message' && reply.data.style === 'attention' ? 'refused' : 'ok';
    metrics?.commands.inc({ command: parsed.spec.name, outcome });
    // Who typed what, for every command; handlers add their own records for the effects.
    await audit(deps, ctx, {
      action: `command:${parsed.spec.name}`,
      detail: text.slice(0, 200),
      outcome,
      runId: reply.runId,
    });
    return reply;
  }

  private async handleCardAction(context: TurnContext): Promise<AdaptiveCardInvokeResponse> {
    const { deps, actions, signer, logger } = this.opts;
    const parsed = parseCardInvoke(context.activity.value);
    if (!parsed.ok) return errorResponse(400, parsed.message);
    const spec = actions.find((a) => a.verb === parsed.verb);
    if (!spec) return errorResponse(400, `Unknown action \`${parsed.verb.slice(0, 40)}\`.`);
    const data = spec.data.safeParse(parsed.data);
    if (!data.success)
      return errorResponse(
        400,
        'This button carries data I cannot read; the card may be outdated.',
      );
    const limited = this.opts.rateLimiter?.take(actorFromActivity(context.activity).id);
    if (limited && !limited.allowed) {
      return errorResponse(
        429,
        `Slow down a little: try again in ${Math.ceil(limited.retryAfterMs / 1000)} s.`,
      );
    }
    const ctx = await this.commandContext(context);
    if (!signer.verify(ctx.conversation.id, spec.ids(data.data as never), parsed.token)) {
      logger.warn(
        { activityId: ctx.activityId, verb: parsed.verb, actor: ctx.actor.id },
        'card action with a bad token refused',
      );
      await audit(deps, ctx, {
        action: `card:${parsed.verb}`,
        detail: 'bad or missing token',
        outcome: 'refused',
      });
      return errorResponse(
        403,
        'This button does not belong to this conversation, or the card was altered.',
      );
    }
    if (context.activity.id && !(await this.firstDelivery(context.activity.id))) {
      return errorResponse(409, 'That click was already handled.');
    }
    await this.opts.onActivitySeen?.(context);
    const result = await spec.run(data.data as never, ctx, deps);
    await audit(deps, ctx, {
      action: `card:${spec.verb}`,
      detail: result.ok ? JSON.stringify(spec.ids(data.data as never)) : result.message,
      outcome: result.ok ? 'ok' : 'refused',
      runId: (data.data as { runId?: number }).runId,
    });
    if (!result.ok) return errorResponse(result.status, result.message);
    const card = this.render(result.card, ctx);
    const cardMessageId = context.activity.replyToId;
    if (result.updateForEveryone && cardMessageId) {
      await context.updateActivity({ ...card, id: cardMessageId });
    }
    if (result.followUp) await this.send(context, ctx, result.followUp);
    const content = card.attachments?.[0]?.content as Record<string, unknown>;
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: content };
  }

  /**
   * Sends a reply card. A card that shows a run is the run's one live card in this chat: the
   * bot claims it first, because the run's first service-hook event can arrive before this
   * reply is sent; if notifications already posted it, that card is updated instead.
   */
  private async send(context: TurnContext, ctx: CommandContext, reply: Reply): Promise<void> {
    const { store, clock } = this.opts.deps;
    const activity = this.render(reply, ctx);
    const runId = reply.runId;
    if (runId === undefined || reply.card !== 'run-status') {
      await context.sendActivity(activity);
      return;
    }
    const conversationId = ctx.conversation.id;
    if (!(await claimRunCardCreation(store, runId, conversationId))) {
      // Notifications are posting it right now: wait briefly for its id, then update it.
      for (let i = 0; i < 20; i++) {
        const existing = await getRunCard(store, runId, conversationId);
        if (existing) {
          await context.updateActivity({ ...activity, id: existing.activityId });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const sent = await context.sendActivity(activity);
    if (sent?.id)
      await rememberRunCard(store, {
        runId,
        conversationId,
        activityId: sent.id,
        lastUpdate: clock.now(),
      });
  }

  private render(reply: Reply, ctx: CommandContext): Partial<Activity> {
    const signed = {
      ...reply,
      data: signCardData(reply.data, ctx.conversation.id, this.opts.signer),
    } as Reply;
    return this.opts.toActivity(signed);
  }

  private async commandContext(context: TurnContext): Promise<CommandContext> {
    const { deps, logger } = this.opts;
    return {
      actor: await identifyActor(context, actorFromActivity(context.activity), {
        store: deps.store,
        now: deps.clock.now(),
        logger,
      }),
      conversation: conversationFromActivity(context.activity),
      activityId: context.activity.id,
    };
  }

  /** True the first time this activity id is seen (across restarts and replicas). */
  private async firstDelivery(activityId: string): Promise<boolean> {
    return once(this.opts.deps.store, `activity:${activityId}`, ACTIVITY_DEDUPE_MS);
  }
}

function errorResponse(statusCode: number, message: string): AdaptiveCardInvokeResponse {
  const codes: Record<number, string> = {
    403: 'Forbidden',
    404: 'NotFound',
    409: 'Conflict',
    429: 'TooManyRequests',
  };
  const code = codes[statusCode] ?? 'BadRequest';
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } as never };
}
