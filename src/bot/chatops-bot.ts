import { randomUUID } from 'node:crypto';
import {
  TeamsActivityHandler,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { CardActionResult, CardActionSpec } from '../actions/card-actions';
import { signCardData, type CardSigner } from '../actions/card-signer';
import { runCardAction } from '../actions/run-card-action';
import type { RateLimiter } from '../auth/rate-limiter';
import type { TenantPolicy } from '../auth/tenant-policy';
import { SignInRequiredError, UserTokenError } from '../auth/user-token';
import type { CommandContext, CommandDeps, CommandRegistry } from '../commands/command-spec';
import { maskSecrets } from '../auth/mask-secrets';
import { audit } from '../commands/handler-kit';
import { messageReply } from '../commands/message-reply';
import { parseCommand } from '../commands/parse-command';
import { runCommand } from '../commands/run-command';
import type { Reply } from '../commands/reply';
import { usageReply } from '../commands/usage-reply';
import { claimRunCardCreation, getRunCard, rememberRunCard } from '../conversations/run-card';
import type { Logger } from '../logging/create-logger';
import type { Metrics } from '../metrics/metrics';
import { once } from '../store/once';
import { actorFromActivity, conversationFromActivity } from './actor-from-activity';
import { identifyActor } from './identify-actor';
import { oneAttemptPerCall } from './one-attempt-per-call';
import { parseCardInvoke } from './parse-card-invoke';
import type { PendingCommand, PersonSignIn } from './person-sign-in';
import { sendWithinBudget, type TurnOutbox } from './send-within-budget';

/** How long a processed activity id is remembered, so a Teams retry is not run twice. */
const ACTIVITY_DEDUPE_MS = 24 * 60 * 60 * 1000;
/** A message being answered: longer than any turn (Teams gives up after ~15 s). */
const IN_FLIGHT_MS = 5 * 60 * 1000;
/** A bot instance not heard of for this long is taken as gone (crashed). */
const LIVENESS_TTL_MS = 6_000;

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
  /** Acting as the person (a sign-in connection is configured); none = the bot's identity acts. */
  signIn?: PersonSignIn;
  /** The tenant boundary (`CHATOPS_ALLOWED_TENANTS`); none = every tenant. */
  tenantPolicy?: TenantPolicy;
  /** Where a reply the channel would not take in time goes (the proactive sender's outbox). */
  outbox?: TurnOutbox;
  /** How long a turn may spend retrying its replies before the outbox takes them (default 4 s). */
  replyBudgetMs?: number;
}

const OTHER_TENANT =
  'This bot serves only the organizations its administrators allowed, and yours is not one of them. Nothing was done.';

/** What a command turn answers: a reply card, or a ready activity (the OAuth sign-in card). */
type TurnAnswer = { reply: Reply } | { activity: Partial<Activity> };

const SIGN_IN_TEXT = 'Sign in so I can act as you in Azure DevOps';

/**
 * Teams transport only: turns a message into a command run, a card click into a card action,
 * and their Reply into a card. Business logic lives in src/commands and src/actions.
 */
export class ChatOpsBot extends TeamsActivityHandler {
  /** This process's instance, to tell its own in-flight messages from a crashed one's. */
  private readonly instanceId = `${process.pid}-${randomUUID()}`;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ChatOpsBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onConversationUpdate(async (context, next) => {
      if (!(await this.refusedTenant(context, 'install'))) await this.opts.onInstalled?.(context);
      await next();
    });
    this.onInstallationUpdate(async (context, next) => {
      if (!(await this.refusedTenant(context, 'install'))) await this.opts.onInstalled?.(context);
      await next();
    });
  }

  /** Card clicks are validated here before botbuilder reads them (it trusts their shape). */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const { signIn } = this.opts;
    if (context.activity.name !== 'adaptiveCard/action') {
      if (await this.refusedTenant(context, 'invoke')) return { status: 403 };
    }
    switch (context.activity.name) {
      case 'adaptiveCard/action': {
        const response = await this.handleCardAction(context);
        // Universal Actions: a login request (and a failed SSO exchange) travel as HTTP 200 with
        // the status in the body, which is what Teams reads to start or fall back from sign-in.
        const signInAnswer =
          response.type === 'application/vnd.microsoft.activity.loginRequest' ||
          response.type === 'application/vnd.microsoft.error.preconditionFailed';
        return { status: signInAnswer ? 200 : response.statusCode, body: response };
      }
      case 'signin/verifyState':
        if (signIn) return this.handleVerifyState(context, signIn);
        break;
      case 'signin/tokenExchange':
        if (signIn) return this.handleTokenExchange(context, signIn);
        break;
    }
    return super.onInvokeActivity(context);
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (await this.refusedTenant(context, 'message')) {
      await context.sendActivity(
        this.opts.toActivity(messageReply('attention', 'Not available to you', OTHER_TENANT)),
      );
      return;
    }
    const delivery = activity.id ? await this.startDelivery(activity.id) : 'new';
    if (!delivery) {
      this.opts.logger.info({ activityId: activity.id }, 'duplicate activity ignored');
      return;
    }
    try {
      await this.answerMessage(context, delivery === 'takenOver');
      // Done only once its effect happened and the answer went out (or to the outbox).
      if (activity.id) await this.firstDelivery(activity.id);
    } finally {
      if (activity.id) await this.endDelivery(activity.id);
    }
  }

  private async answerMessage(context: TurnContext, redelivered: boolean): Promise<void> {
    const { activity } = context;
    // Limited before any lookup or store write, so a flood costs as little as possible.
    const limited = this.opts.rateLimiter?.take(actorFromActivity(activity).id);
    await this.opts.onActivitySeen?.(context);
    const ctx = await this.commandContext(context);
    if (redelivered) ctx.redelivered = true;
    const answer: TurnAnswer =
      limited && !limited.allowed
        ? {
            reply: messageReply(
              'warning',
              'Slow down a little',
              `You have sent a lot of commands in a short time. Try again in ${Math.ceil(limited.retryAfterMs / 1000)} s.`,
            ),
          }
        : await this.answerFor(
            typeof activity.text === 'string' ? activity.text : '',
            ctx,
            context,
          );
    await this.deliver(context, ctx, answer);
  }

  private async deliver(context: TurnContext, ctx: CommandContext, answer: TurnAnswer) {
    if ('activity' in answer) await this.post(context, answer.activity);
    else await this.send(context, ctx, answer.reply);
  }

  /**
   * Sends in the turn, retrying within the reply budget; what the channel does not take in
   * time goes to the outbox (the turn ends and Teams is answered well within its ~15 s).
   * Resolves the activity id, or undefined when the outbox has it.
   */
  private post(
    context: TurnContext,
    activity: Partial<Activity>,
    tag?: Parameters<TurnOutbox['defer']>[2],
  ): Promise<string | undefined> {
    const { deps, logger, outbox, replyBudgetMs } = this.opts;
    return sendWithinBudget(context, activity, {
      clock: deps.clock,
      logger,
      budgetMs: replyBudgetMs ?? 4_000,
      ...(outbox && { outbox }),
      ...(tag && { tag }),
    });
  }

  /**
   * Runs a command. One that must act as the person and cannot yet is remembered and answered
   * with the sign-in card; `resumed` (after a sign-in) never asks again, so SSO cannot loop.
   */
  private async answerFor(
    text: string,
    ctx: CommandContext,
    context: TurnContext,
    resumed = false,
  ): Promise<TurnAnswer> {
    try {
      return { reply: await this.replyFor(text, ctx) };
    } catch (err) {
      const { signIn, deps } = this.opts;
      if (!signIn || !(err instanceof SignInRequiredError || err instanceof UserTokenError)) {
        throw err;
      }
      const needsSignIn = err instanceof SignInRequiredError || err.code !== 'unavailable';
      await audit(deps, ctx, {
        action: `command:${text.trim().split(/\s+/)[0]?.toLowerCase().slice(0, 40) ?? ''}`,
        detail: `${text} (${needsSignIn ? 'sign-in needed' : err.message})`,
        outcome: 'refused',
      });
      if (!needsSignIn || resumed) {
        return { reply: messageReply('attention', 'I could not act as you', err.message) };
      }
      try {
        // Entra ID refused the token it had: forget it, so the sign-in yields a fresh one.
        if (err instanceof UserTokenError) await signIn.signOut(context);
        await signIn.remember(context, {
          text,
          activityId: ctx.activityId,
          at: deps.clock.now(),
        });
        const why = err instanceof UserTokenError ? `${err.message} ` : '';
        const card = await signIn.signInCard(
          context,
          `${why}${SIGN_IN_TEXT}; then I will run \`${text.trim().slice(0, 100)}\`.`,
        );
        return { activity: { attachments: [card] } };
      } catch (cardErr) {
        if (!(cardErr instanceof UserTokenError)) throw cardErr;
        return { reply: messageReply('warning', 'Sign-in is not available', cardErr.message) };
      }
    }
  }

  /** Teams' sign-in button finished: `value.state` is the magic code for the token service. */
  private async handleVerifyState(
    context: TurnContext,
    signIn: PersonSignIn,
  ): Promise<InvokeResponse> {
    const state = (context.activity.value as { state?: unknown } | undefined)?.state;
    if (typeof state !== 'string' || state.length === 0 || state.length > 200) {
      return { status: 400 };
    }
    if (context.activity.id && !(await this.firstDelivery(context.activity.id))) {
      return { status: 200 };
    }
    const token = await signIn.userToken(context, state).catch(() => undefined);
    if (!token) {
      await context.sendActivity(
        this.opts.toActivity(
          messageReply(
            'warning',
            'Sign-in did not complete',
            'The token service did not accept that sign-in; send the command again to retry.',
          ),
        ),
      );
      return { status: 404 };
    }
    await this.resumePending(context, signIn, token);
    return { status: 200 };
  }

  /**
   * Teams SSO from an OAuth card: exchange the Teams token at the token service. Teams sends it
   * from every signed-in device, so only the first of an exchange id counts; a refusal is a 412,
   * on which Teams shows the sign-in button instead.
   */
  private async handleTokenExchange(
    context: TurnContext,
    signIn: PersonSignIn,
  ): Promise<InvokeResponse> {
    const value = (context.activity.value ?? {}) as Record<string, unknown>;
    const id = typeof value.id === 'string' ? value.id.slice(0, 200) : '';
    const token = typeof value.token === 'string' ? value.token : '';
    const connectionName = signIn.connectionName;
    if (!id || !token || value.connectionName !== connectionName) {
      return {
        status: 400,
        body: { id, connectionName, failureDetail: 'Not a token exchange for this bot.' },
      };
    }
    if (!(await once(this.opts.deps.store, `token-exchange:${id}`, ACTIVITY_DEDUPE_MS))) {
      return { status: 200, body: { id, connectionName } };
    }
    const userToken = await signIn.exchange(context, token);
    if (!userToken) {
      return {
        status: 412,
        body: {
          id,
          connectionName,
          failureDetail: 'The bot is unable to exchange token. Proceed with regular login.',
        },
      };
    }
    await this.resumePending(context, signIn, userToken);
    return { status: 200, body: { id, connectionName } };
  }

  /** Runs the command that waited for this sign-in, exactly once (the store hands it out once). */
  private async resumePending(
    context: TurnContext,
    signIn: PersonSignIn,
    userToken: string,
  ): Promise<void> {
    const pending: PendingCommand | undefined = await signIn.takePending(context);
    if (!pending) return;
    const ctx = await this.commandContext(context, userToken);
    // The original message's id keeps queuing idempotent, as if it had run the first time.
    ctx.activityId = pending.activityId ?? ctx.activityId;
    this.opts.logger.info(
      { activityId: ctx.activityId, actor: ctx.actor.id },
      'signed in; resuming',
    );
    await this.deliver(context, ctx, await this.answerFor(pending.text, ctx, context, true));
  }

  private async replyFor(text: string, ctx: CommandContext): Promise<Reply> {
    const { deps, registry, logger, metrics } = this.opts;
    // A configured secret pasted into chat never reaches a parser: usage errors clip what they
    // echo, and a clipped secret no longer matches itself to be masked later.
    const parsed = parseCommand(maskSecrets(text, deps.secrets), registry, {
      catalog: deps.catalog,
    });
    if (!parsed.ok) {
      metrics?.commands.inc({ command: parsed.error.command ?? 'unknown', outcome: 'usage' });
      return usageReply(parsed.error);
    }
    logger.info(
      { activityId: ctx.activityId, command: parsed.spec.name, actor: ctx.actor.id },
      'command',
    );
    const reply = await runCommand(parsed.spec, parsed.args, ctx, deps);
    const outcome = reply.card === 'message' && reply.data.style === 'attention' ? 'refused' : 'ok';
    metrics?.commands.inc({ command: parsed.spec.name, outcome });
    // Who typed what, for every command; handlers add their own records for the effects.
    await audit(deps, ctx, {
      action: `command:${parsed.spec.name}`,
      detail: text,
      outcome,
      runId: reply.runId,
    });
    return reply;
  }

  private async handleCardAction(context: TurnContext): Promise<AdaptiveCardInvokeResponse> {
    const { deps, actions, signer, logger } = this.opts;
    if (await this.refusedTenant(context, 'card')) return errorResponse(403, OTHER_TENANT);
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
    const { signIn } = this.opts;
    let userToken: string | undefined;
    if (signIn && parsed.signIn) {
      // The click Teams retried after our login request: an SSO token to exchange, or a magic code.
      userToken = parsed.signIn.ssoToken
        ? await signIn.exchange(context, parsed.signIn.ssoToken)
        : await signIn.userToken(context, parsed.signIn.magicCode).catch(() => undefined);
      if (!userToken) {
        await this.forgetDelivery(context.activity.id);
        return parsed.signIn.ssoToken
          ? {
              statusCode: 412,
              type: 'application/vnd.microsoft.error.preconditionFailed',
              value: { code: '412', message: 'Failed to exchange token' } as never,
            }
          : errorResponse(401, 'That sign-in did not complete; click again to retry.');
      }
      ctx.actAsPerson = signIn.actAsPerson(context, userToken);
    }
    let result: CardActionResult;
    try {
      result = await runCardAction(spec, data.data as never, ctx, deps);
    } catch (err) {
      if (!signIn || !(err instanceof SignInRequiredError || err instanceof UserTokenError)) {
        throw err;
      }
      await audit(deps, ctx, {
        action: `card:${spec.verb}`,
        detail: err instanceof SignInRequiredError ? 'sign-in needed' : err.message,
        outcome: 'refused',
        runId: (data.data as { runId?: number }).runId,
      });
      // Nothing happened: the click Teams retries after signing in must not count as a duplicate.
      await this.forgetDelivery(context.activity.id);
      const fresh = err instanceof SignInRequiredError;
      if (!fresh && (err.code === 'unavailable' || userToken)) {
        // Just signed in and Entra ID still refuses: say so instead of asking again (no SSO loop).
        return errorResponse(err.code === 'unavailable' ? 503 : 403, err.message);
      }
      if (!fresh) await signIn.signOut(context);
      try {
        return await signIn.loginRequest(
          context,
          fresh ? `${SIGN_IN_TEXT}.` : `${err.message} ${SIGN_IN_TEXT}.`,
        );
      } catch (cardErr) {
        if (!(cardErr instanceof UserTokenError)) throw cardErr;
        return errorResponse(503, cardErr.message);
      }
    }
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
      oneAttemptPerCall(context);
      // The clicker gets the card in this response anyway; a channel hiccup must not turn a
      // decision that happened into an error.
      await context.updateActivity({ ...card, id: cardMessageId }).catch((err: unknown) => {
        logger.warn({ err, activityId: ctx.activityId }, 'card update for everyone failed');
      });
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
      await this.post(context, activity);
      return;
    }
    const conversationId = ctx.conversation.id;
    // No state hash: any state an event shows is further along than the reply's.
    const tag = { runCard: { runId, lastStateHash: '', lastUpdate: clock.now() } };
    const claimed = await claimRunCardCreation(store, runId, conversationId);
    if (!claimed && !reply.queued) {
      await this.answerBelow(context, activity, runId, conversationId);
      return;
    }
    if (!claimed) {
      // Notifications are posting it right now: wait briefly for its id, then update it.
      for (let i = 0; i < 20; i++) {
        const existing = await getRunCard(store, runId, conversationId);
        if (existing) {
          await context.updateActivity({ ...activity, id: existing.activityId });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Still on its way (in the outbox?): queue this one behind it, where it becomes an update.
      if (this.opts.outbox) {
        await this.opts.outbox.defer(conversationId, activity, tag, { behindFirstPost: true });
        return;
      }
    }
    const sentId = await this.post(context, activity, tag);
    if (sentId)
      await rememberRunCard(store, {
        runId,
        conversationId,
        activityId: sentId,
        lastUpdate: tag.runCard.lastUpdate,
      });
  }

  /**
   * A look-up (`status 143`, `logs 124`) of a run whose card is already in this chat: the answer
   * is a new message at the bottom, where the person looks, and becomes the run's live card
   * there; the old card far up is refreshed too, so it does not show an older state.
   */
  private async answerBelow(
    context: TurnContext,
    activity: Partial<Activity>,
    runId: number,
    conversationId: string,
  ): Promise<void> {
    const { deps, logger } = this.opts;
    const old = await getRunCard(deps.store, runId, conversationId);
    // Untagged: an outbox holding it must post it, not turn it into an update of the old card.
    const sentId = await this.post(context, activity);
    if (!sentId) return;
    await rememberRunCard(deps.store, {
      runId,
      conversationId,
      activityId: sentId,
      lastUpdate: Math.max(deps.clock.now(), (old?.lastUpdate ?? 0) + 1),
    });
    if (!old) return;
    try {
      await context.updateActivity({ ...activity, id: old.activityId });
    } catch (err) {
      logger.warn({ err, runId, activityId: old.activityId }, 'old run card not refreshed');
    }
  }

  private render(reply: Reply, ctx: CommandContext): Partial<Activity> {
    const signed = {
      ...reply,
      data: signCardData(reply.data, ctx.conversation.id, this.opts.signer),
    } as Reply;
    return this.opts.toActivity(signed);
  }

  private async commandContext(context: TurnContext, userToken?: string): Promise<CommandContext> {
    const { deps, logger, signIn } = this.opts;
    return {
      actAsPerson: signIn?.actAsPerson(context, userToken),
      actor: await identifyActor(context, actorFromActivity(context.activity), {
        store: deps.store,
        now: deps.clock.now(),
        logger,
      }),
      conversation: conversationFromActivity(context.activity),
      activityId: context.activity.id,
    };
  }

  /**
   * True (logged and audited) when the activity comes from outside the tenant boundary; checked
   * before anything is read, stored or sent to Azure DevOps.
   */
  private async refusedTenant(context: TurnContext, kind: string): Promise<boolean> {
    const refusal = this.opts.tenantPolicy?.check(context.activity);
    if (!refusal) return false;
    const { activity } = context;
    const actor = actorFromActivity(activity);
    this.opts.logger.warn(
      { activityId: activity.id, actor: actor.id, kind, ...refusal },
      'activity from outside the allowed tenants refused',
    );
    await audit(
      this.opts.deps,
      { actor, conversation: conversationFromActivity(activity) },
      {
        action: `tenant:${kind}`,
        detail: `${refusal.reason} (${refusal.tenantId ?? 'none'})`,
        outcome: 'refused',
      },
    );
    return true;
  }

  /** Undoes `firstDelivery` for an activity that did nothing (it stopped for a sign-in). */
  private async forgetDelivery(activityId: string | undefined): Promise<void> {
    if (activityId) await this.opts.deps.store.delete('dedupe', `activity:${activityId}`);
  }

  /** True the first time this activity id is seen (across restarts and replicas). */
  private async firstDelivery(activityId: string): Promise<boolean> {
    return once(this.opts.deps.store, `activity:${activityId}`, ACTIVITY_DEDUPE_MS);
  }

  /**
   * Whether to handle a message now: not when it is done, nor while this process is still
   * answering it (a Teams retry of a slow turn), nor while another live instance is. A claim left
   * by an instance that is gone — one that crashed between taking the message and queuing its
   * run — does not stop it: the
   * redelivery runs it again, and queuing is idempotent (its correlation id comes from the
   * activity id), so the effect happens exactly once.
   */
  private async startDelivery(activityId: string): Promise<'new' | 'takenOver' | false> {
    const { store } = this.opts.deps;
    await this.beAlive();
    if (await store.get('dedupe', `activity:${activityId}`)) return false;
    const key = `activity-inflight:${activityId}`;
    const claimed = await store.put('dedupe', key, this.instanceId, {
      etag: null,
      ttlMs: IN_FLIGHT_MS,
    });
    if (claimed.ok) return 'new';
    const holder = (await store.get<string>('dedupe', key))?.value;
    // The holder is alive (this process, or another replica answering it right now): its answer comes.
    if (holder === this.instanceId) return false;
    if (holder && (await store.get('dedupe', `instance:${holder}`))) return false;
    this.opts.logger.warn(
      { activityId },
      'activity redelivered after another bot instance took it and did not finish; handling it',
    );
    await store.put('dedupe', key, this.instanceId, { ttlMs: IN_FLIGHT_MS });
    return 'takenOver';
  }

  /**
   * Keeps `instance:<id>` fresh while this process lives (a few seconds' TTL), so another
   * instance can tell a live holder of a message from a crashed one.
   */
  private async beAlive(): Promise<void> {
    const { store } = this.opts.deps;
    const beat = () =>
      store
        .put('dedupe', `instance:${this.instanceId}`, 1, { ttlMs: LIVENESS_TTL_MS })
        .then(() => undefined);
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => void beat().catch(() => undefined), LIVENESS_TTL_MS / 3);
      this.heartbeat.unref();
    }
    await beat();
  }

  private async endDelivery(activityId: string): Promise<void> {
    await this.opts.deps.store.delete('dedupe', `activity-inflight:${activityId}`);
  }
}

function errorResponse(statusCode: number, message: string): AdaptiveCardInvokeResponse {
  const codes: Record<number, string> = {
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    409: 'Conflict',
    429: 'TooManyRequests',
    503: 'ServiceUnavailable',
  };
  const code = codes[statusCode] ?? 'BadRequest';
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } as never };
}
