import type {
  Activity,
  ConversationParameters,
  ConversationReference,
  TurnContext,
} from 'botbuilder';
import type { Clock } from '../clock/clock';
import { getConversation } from '../conversations/get-conversation';
import {
  getRunCard,
  holdRunCardClaim,
  rememberRunCard,
  runCardCreationPending,
} from '../conversations/run-card';
import { saveConversation } from '../conversations/save-conversation';
import type { Logger } from '../logging/create-logger';
import { rememberApprovalCard } from '../notifications/approval-cards';
import {
  DeliveryDeferredError,
  DeliveryFailedError,
  type NotificationSender,
  type SendTag,
} from '../notifications/notification-sender';
import { progressOfHash } from '../notifications/run-progress';
import type { Store } from '../store/store';
import { oneAttemptPerCall } from './one-attempt-per-call';

/**
 * How long a drain's claim hides outbox items from other replicas. Short, because a replica
 * killed mid-drain leaves what it claimed invisible this long; a drain stops delivering after
 * OUTBOX_DRAIN_MS so no item is sent after another replica may have claimed it.
 */
const OUTBOX_CLAIM_MS = 60_000;
const OUTBOX_DRAIN_MS = 40_000;

/** Store queue of activities the channel would not take yet. */
export const OUTBOX_QUEUE = 'outbox';

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

export interface ProactiveSenderOptions {
  adapter: ProactiveAdapter;
  /** `MicrosoftAppId`; '' without one (local mode). */
  botAppId: string;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Attempts per send before the outbox takes over (default 4). */
  maxAttempts?: number;
  /** First backoff for 5xx and dropped connections; doubles each time (default 500 ms). */
  baseDelayMs?: number;
  /** Longest backoff between attempts (default 30 s). */
  maxDelayMs?: number;
  /** A Retry-After longer than this is cut to it (default 60 s). */
  maxRetryAfterMs?: number;
  /**
   * Longest total wait between inline attempts (default 10 s): a send that would wait longer
   * goes to the outbox at once, so one long `Retry-After` does not hold up every other card.
   */
  inlineBudgetMs?: number;
  /** The token audience for creating 1:1 chats (default Bot Framework public cloud). */
  audience?: string;
  sleep?(ms: number): Promise<void>;
}

interface OutboxItem {
  kind: 'send' | 'update';
  conversationId: string;
  activityId?: string;
  activity: Partial<Activity>;
  tag?: SendTag;
  /**
   * The run card's first post is on its way elsewhere (a turn's reply, another outbox item):
   * this waits until that card exists and then updates it, instead of posting a second one.
   */
  behindFirstPost?: boolean;
  createdAt: number;
  seq: number;
}

type Failure =
  | { kind: 'retryAfter'; ms: number; status: number }
  | { kind: 'transient'; status?: number }
  | { kind: 'permanent'; status?: number };

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'REQUEST_SEND_ERROR',
]);

/**
 * Reads `Retry-After` (delta seconds or an HTTP date) as milliseconds from `now`.
 * @example parseRetryAfter('2', 0) // 2000
 */
export function parseRetryAfter(value: string | undefined | null, now: number): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function headerOf(err: unknown, name: string): string | undefined {
  const headers = (err as { response?: { headers?: unknown } } | null)?.response?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as { get?: (n: string) => unknown } & Record<string, unknown>;
  const v = typeof h.get === 'function' ? h.get(name) : (h[name] ?? h[name.toLowerCase()]);
  return typeof v === 'string' ? v : undefined;
}

/**
 * Sorts a connector failure. botframework-connector throws `RestError` with `statusCode` and
 * `response.headers` (an `HttpHeaders` with `get`); sockets fail with a `code`.
 */
export function classifyDeliveryError(err: unknown, now: number, maxRetryAfterMs: number): Failure {
  if (err instanceof DeliveryFailedError) return { kind: 'permanent', status: err.status };
  const e = (err ?? {}) as {
    statusCode?: unknown;
    code?: unknown;
    response?: { status?: unknown };
  };
  const status =
    typeof e.statusCode === 'number'
      ? e.statusCode
      : typeof e.response?.status === 'number'
        ? e.response.status
        : undefined;
  const retryAfter = parseRetryAfter(headerOf(err, 'retry-after'), now);
  // A 503 may say when to come back too; without it, 5xx back off exponentially.
  if (status === 429 || (status === 503 && retryAfter !== undefined)) {
    return { kind: 'retryAfter', ms: Math.min(retryAfter ?? 1000, maxRetryAfterMs), status };
  }
  if (status !== undefined && (status >= 500 || status === 408))
    return { kind: 'transient', status };
  if (status !== undefined && status >= 400) return { kind: 'permanent', status };
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return { kind: 'transient' };
  // A malformed service URL or activity fails the same way every time. (By name: errors from
  // Node's core are not `instanceof` another realm's TypeError, e.g. under jest.)
  if ((err as Error | null)?.name === 'TypeError') return { kind: 'permanent' };
  // The client failing before any request (an activity it cannot serialize, a missing id) throws
  // a plain Error, the same way every time; what came from the wire is a RestError, kept for
  // later rather than lost.
  if ((err as Error | null)?.name === 'Error' && e.code === undefined) return { kind: 'permanent' };
  return { kind: 'transient' };
}

/**
 * Proactive messages through Bot Framework with the stored conversation reference: retries a
 * 429 after its `Retry-After` (capped), 5xx and dropped connections with exponential backoff,
 * and puts what still fails in the `outbox` queue, which `drainOutbox()` delivers later.
 * Nothing the channel refuses for a while is dropped.
 * @example
 *   const sender = new ProactiveSender({ adapter, botAppId: config.bot.appId ?? '', store, clock, logger });
 *   const id = await sender.send('19:ops@thread.tacv2', { type: 'message', attachments: [card] });
 *   await sender.update('19:ops@thread.tacv2', id, { type: 'message', attachments: [next] });
 */
export class ProactiveSender implements NotificationSender {
  private seq = 0;
  private draining: Promise<{ delivered: number; pending: number }> | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: ProactiveSenderOptions) {
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async send(conversationId: string, activity: Partial<Activity>, tag?: SendTag): Promise<string> {
    return this.withRetries(this.item('send', conversationId, activity, undefined, tag));
  }

  async update(
    conversationId: string,
    activityId: string,
    activity: Partial<Activity>,
    tag?: SendTag,
  ): Promise<void> {
    await this.withRetries(this.item('update', conversationId, activity, activityId, tag));
  }

  /**
   * Puts a send straight into the outbox, without trying now: for a card whose first post is
   * still on its way (another state of it must not post a second card), and for a turn that
   * ran out of time to answer. Resolves the outbox id.
   */
  async defer(
    conversationId: string,
    activity: Partial<Activity>,
    tag?: SendTag,
    options: { behindFirstPost?: boolean } = {},
  ): Promise<string> {
    const item = this.item('send', conversationId, activity, undefined, tag);
    return this.enqueue(options.behindFirstPost ? { ...item, behindFirstPost: true } : item);
  }

  /**
   * Opens (or reopens) the 1:1 chat with a Teams user, using the tenant and service URL of a
   * conversation the bot already has with them; saves it and resolves its id.
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
   * Delivers what waits in the outbox, oldest first, one attempt each; what still fails goes
   * back with a longer delay. Resolves how many were delivered and how many remain claimed out.
   */
  drainOutbox(limit = 50): Promise<{ delivered: number; pending: number }> {
    this.draining ??= this.drainOnce(limit).finally(() => {
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
    return this.opts.store.queueLength(OUTBOX_QUEUE);
  }

  private item(
    kind: OutboxItem['kind'],
    conversationId: string,
    activity: Partial<Activity>,
    activityId?: string,
    tag?: SendTag,
  ): OutboxItem {
    return {
      kind,
      conversationId,
      activity,
      ...(activityId !== undefined && { activityId }),
      ...(tag !== undefined && { tag }),
      createdAt: this.opts.clock.now(),
      seq: this.seq++,
    };
  }

  private async withRetries(item: OutboxItem): Promise<string> {
    const { logger, clock } = this.opts;
    const attempts = Math.max(1, this.opts.maxAttempts ?? 4);
    const budget = this.opts.inlineBudgetMs ?? 10_000;
    let waited = 0;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return await this.deliver(item);
      } catch (err) {
        last = err;
        const failure = classifyDeliveryError(
          err,
          clock.now(),
          this.opts.maxRetryAfterMs ?? 60_000,
        );
        if (failure.kind === 'permanent') {
          throw err instanceof DeliveryFailedError
            ? err
            : new DeliveryFailedError(
                `the channel refused the ${item.kind} (${failure.status ?? 'error'})`,
                failure.status,
                err,
              );
        }
        if (attempt === attempts) break;
        const delay = failure.kind === 'retryAfter' ? failure.ms : this.backoff(attempt);
        if (waited + delay > budget) break;
        waited += delay;
        logger.warn(
          {
            conversationId: item.conversationId,
            kind: item.kind,
            attempt,
            delay,
            status: failure.status,
          },
          'channel send failed; retrying',
        );
        await this.sleep(delay);
      }
    }
    const outboxId = await this.enqueue(item);
    logger.warn(
      { conversationId: item.conversationId, kind: item.kind, outboxId, err: last },
      'channel send kept failing; kept in the outbox for later delivery',
    );
    throw new DeliveryDeferredError(outboxId, last);
  }

  private async enqueue(item: OutboxItem): Promise<string> {
    const outboxId = `${this.opts.clock.now()}-${process.pid}-${this.seq}-${Math.random().toString(36).slice(2, 8)}`;
    await this.opts.store.enqueue(OUTBOX_QUEUE, outboxId, item);
    // A run card's first post is now durable: its creation claim may outlive this replica.
    const runCard = item.tag?.runCard;
    if (runCard && item.kind === 'send' && !item.behindFirstPost) {
      await holdRunCardClaim(this.opts.store, runCard.runId, item.conversationId);
    }
    return outboxId;
  }

  private backoff(attempt: number): number {
    const base = this.opts.baseDelayMs ?? 500;
    return Math.min(this.opts.maxDelayMs ?? 30_000, base * 2 ** (attempt - 1));
  }

  /**
   * One attempt; resolves the activity id. The send's error is caught inside the logic and
   * rethrown after: with an `onTurnError` set, botbuilder's `runMiddleware` hands errors from
   * the logic to it and resolves, so the retries and the outbox never saw a failed send (and
   * onTurnError posted "Something went wrong" to the chat instead).
   */
  private async deliver(item: OutboxItem): Promise<string> {
    const conversation = await getConversation(this.opts.store, item.conversationId);
    if (!conversation) {
      throw new DeliveryFailedError(`no stored conversation ${item.conversationId}`);
    }
    let id = item.activityId ?? '';
    let failure: { error: unknown } | undefined;
    await this.opts.adapter.continueConversationAsync(
      this.opts.botAppId,
      conversation.reference,
      async (context) => {
        oneAttemptPerCall(context);
        try {
          if (item.kind === 'send') {
            const sent = await context.sendActivity(item.activity);
            id = sent?.id ?? '';
          } else {
            await context.updateActivity({ ...item.activity, id: item.activityId });
          }
        } catch (error) {
          failure = { error };
        }
      },
    );
    if (failure) throw failure.error;
    return id;
  }

  private async drainOnce(limit: number): Promise<{ delivered: number; pending: number }> {
    const { store, clock, logger } = this.opts;
    const claimedAt = clock.now();
    const items = await store.claim<OutboxItem>(OUTBOX_QUEUE, limit, OUTBOX_CLAIM_MS);
    items.sort(
      (a, b) => a.payload.createdAt - b.payload.createdAt || a.payload.seq - b.payload.seq,
    );
    let delivered = 0;
    let pending = 0;
    // One at a time, in order: two updates of one card must land oldest first.
    for (const item of items) {
      // Past this, another replica may claim what this one still holds: hand the rest back.
      if (clock.now() - claimedAt > OUTBOX_DRAIN_MS) {
        pending++;
        await store.release(OUTBOX_QUEUE, item.id, clock.now());
        continue;
      }
      try {
        const op = await this.current(item.payload);
        if (op === 'wait') {
          // Not an attempt: the first post is still on its way.
          await store.release(OUTBOX_QUEUE, item.id, clock.now() + 1000);
          pending++;
          continue;
        }
        if (op) {
          const id = await this.deliver(op);
          await this.remember(op, id);
          delivered++;
        }
        await store.complete(OUTBOX_QUEUE, item.id);
      } catch (err) {
        const failure = classifyDeliveryError(
          err,
          clock.now(),
          this.opts.maxRetryAfterMs ?? 60_000,
        );
        if (failure.kind === 'permanent') {
          logger.error(
            {
              err,
              outboxId: item.id,
              conversationId: item.payload.conversationId,
              status: failure.status,
            },
            'outbox item cannot be delivered (the channel refuses it); removed',
          );
          await store.complete(OUTBOX_QUEUE, item.id);
          continue;
        }
        pending++;
        const delay =
          failure.kind === 'retryAfter'
            ? failure.ms
            : // Capped low enough that a card lands soon after a long outage ends.
              Math.min(
                this.opts.maxDelayMs ?? 30_000,
                (this.opts.baseDelayMs ?? 500) * 2 ** Math.min(item.attempts, 12),
              );
        await store.release(OUTBOX_QUEUE, item.id, clock.now() + delay);
      }
    }
    return { delivered, pending };
  }

  /** The item as it should go now: a run card posted meanwhile turns a send into an update. */
  private async current(item: OutboxItem): Promise<OutboxItem | 'wait' | undefined> {
    const tag = item.tag?.runCard;
    if (!tag) return item;
    const card = await getRunCard(this.opts.store, tag.runId, item.conversationId);
    if (!card) {
      if (item.kind !== 'send') return undefined;
      const firstPostPending =
        item.behindFirstPost &&
        (await runCardCreationPending(this.opts.store, tag.runId, item.conversationId));
      // Once the first post's claim is gone (it failed for good, or expired), this one posts.
      return firstPostPending ? 'wait' : item;
    }
    // Superseded by a newer card state. More progress wins over a later time: the requester's
    // reply card (no state hash) may be posted after an event's deferred, further state.
    const shown = progressOfHash(card.lastStateHash);
    const wanted = progressOfHash(tag.lastStateHash);
    if (
      card.lastStateHash === tag.lastStateHash ||
      shown > wanted ||
      (shown === wanted && card.lastUpdate > tag.lastUpdate)
    ) {
      return undefined;
    }
    return {
      ...item,
      kind: 'update',
      activityId: card.activityId,
      tag: {
        ...item.tag,
        runCard: { ...tag, lastUpdate: Math.max(tag.lastUpdate, card.lastUpdate + 1) },
      },
    };
  }

  private async remember(item: OutboxItem, activityId: string): Promise<void> {
    const { store } = this.opts;
    const run = item.tag?.runCard;
    if (run) {
      await rememberRunCard(store, {
        runId: run.runId,
        conversationId: item.conversationId,
        activityId,
        lastUpdate: run.lastUpdate,
        lastStateHash: run.lastStateHash,
      });
    }
    const approval = item.tag?.approvalCard;
    if (approval && item.kind === 'send') {
      await rememberApprovalCard(store, approval.approvalId, item.conversationId, activityId);
    }
  }
}
