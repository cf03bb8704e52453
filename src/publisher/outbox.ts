import type { Clock } from '../clock/clock';
import { settleApprovalCard, heldDecision } from '../conversations/approval-cards';
import {
  getRunCard,
  holdRunCardClaim,
  rememberRunCard,
  runCardCreationPending,
} from '../conversations/run-card';
import { progressOfHash } from '../conversations/run-progress';
import type { Logger } from '../logging/create-logger';
import type { Store } from '../store/store';
import { isMessageGone } from './delivery-errors';
import { classifyDeliveryError, backoffMs, type RetryPolicy } from './delivery-retry';
import { deliverOrRepost } from './repost-gone';

/**
 * How long a drain's claim hides outbox items from other replicas. Short, because a replica
 * killed mid-drain leaves what it claimed invisible this long; a drain stops delivering after
 * OUTBOX_DRAIN_MS so no item is sent after another replica may have claimed it.
 */
const OUTBOX_CLAIM_MS = 60_000;
const OUTBOX_DRAIN_MS = 40_000;

/** Store queue of messages Teams would not take yet (the name it had before Slack came). */
export const OUTBOX_QUEUE = 'outbox';

/**
 * The outbox queue of a chat platform: each platform's replicas drain only their own messages
 * (a Teams activity means nothing to Slack). Teams keeps the queue it always had, so messages
 * waiting during an upgrade are still delivered.
 * @example outboxQueueOf('slack') // 'outbox-slack'
 */
export function outboxQueueOf(platform: string): string {
  return platform === 'teams' ? OUTBOX_QUEUE : `outbox-${platform}`;
}

/** What to record once a deferred message finally lands (the card it is, in its chat). */
export interface SendTag {
  /** The message is the live card of this run in this conversation. */
  runCard?: { runId: number; lastStateHash: string; lastUpdate: number };
  /**
   * The message is the approval card of this approval in this conversation; `shows` the
   * decision it carries (absent = pending).
   */
  approvalCard?: { approvalId: string; shows?: string };
}

/**
 * Which thread of a conversation a new message belongs to, where the platform has threads:
 * `runId`, the run's own thread there (looked up when it is sent, started by it if there is none
 * yet, see `run-thread.ts`); `rootId`, a known thread (the one a person asked in).
 */
export interface ThreadRef {
  runId?: number;
  rootId?: string;
}

/** One message waiting for the channel, already rendered for its platform. */
export interface OutboxItem {
  kind: 'send' | 'update';
  conversationId: string;
  /** The message to replace (updates). */
  messageId?: string;
  /** The platform's rendered message (opaque here). */
  payload: unknown;
  tag?: SendTag;
  /** The thread a send belongs to (see `ThreadRef`): where it still lands if delivered later. */
  thread?: ThreadRef;
  /**
   * The run card's first post is on its way elsewhere (a turn's reply, another outbox item):
   * this waits until that card exists and then updates it, instead of posting a second one.
   */
  behindFirstPost?: boolean;
  createdAt: number;
  seq: number;
}

/** Items written before the publisher named them `payload`/`messageId` (Teams activities). */
type StoredItem = OutboxItem & { activity?: unknown; activityId?: string };

function normalized(item: StoredItem): OutboxItem {
  const { activity, activityId, ...rest } = item;
  return {
    ...rest,
    payload: rest.payload ?? activity,
    ...((rest.messageId ?? activityId) !== undefined && {
      messageId: rest.messageId ?? activityId,
    }),
  };
}

/**
 * The durable queue of what the chat platform would not take yet, shared by every replica
 * through the store: `add` keeps a message, `drain` delivers the oldest first, one attempt
 * each, and records the run card / approval card it was once it lands. A run card's state that
 * a newer one superseded is dropped; a first post that landed meanwhile turns a send into an
 * update, so a chat never gets a second card of a run.
 * @example
 *   const outbox = new Outbox({ store, clock, logger, policy: {}, platform: 'teams' });
 *   await outbox.add(item);
 *   await outbox.drain((item) => deliver(item));
 */
export class Outbox {
  private readonly queue: string;

  constructor(
    private readonly opts: {
      store: Store;
      clock: Clock;
      logger: Logger;
      policy: RetryPolicy;
      /** The platform whose messages this outbox keeps (see `outboxQueueOf`). */
      platform: string;
    },
  ) {
    this.queue = outboxQueueOf(opts.platform);
  }

  /** Keeps an item for later delivery; resolves its outbox id. */
  async add(item: OutboxItem): Promise<string> {
    const { store, clock } = this.opts;
    const outboxId = `${clock.now()}-${process.pid}-${item.seq}-${Math.random().toString(36).slice(2, 8)}`;
    await store.enqueue(this.queue, outboxId, item);
    // A run card's first post is now durable: its creation claim may outlive this replica.
    const runCard = item.tag?.runCard;
    if (runCard && item.kind === 'send' && !item.behindFirstPost) {
      await holdRunCardClaim(store, runCard.runId, item.conversationId);
    }
    return outboxId;
  }

  length(): Promise<number> {
    return this.opts.store.queueLength(this.queue);
  }

  /**
   * Delivers what waits, oldest first, one attempt each (`deliver` resolves the message id);
   * what still fails goes back with a longer delay. Resolves how many were delivered and how
   * many remain claimed out.
   */
  async drain(
    deliver: (item: OutboxItem) => Promise<string>,
    limit = 50,
  ): Promise<{ delivered: number; pending: number }> {
    const { store, clock, logger, policy } = this.opts;
    const claimedAt = clock.now();
    const items = await store.claim<StoredItem>(this.queue, limit, OUTBOX_CLAIM_MS);
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
        await store.release(this.queue, item.id, clock.now());
        continue;
      }
      try {
        const op = await this.current(normalized(item.payload));
        if (op === 'wait') {
          // Not an attempt: the first post is still on its way.
          await store.release(this.queue, item.id, clock.now() + 1000);
          pending++;
          continue;
        }
        if (op) {
          const sent = await deliverOrRepost({ store, logger }, deliver, op);
          const followUp = await this.remember(sent.op, sent.messageId);
          delivered++;
          // Decided while it landed: updated now, or kept here for the next drain.
          if (followUp) await deliver(followUp).catch(() => this.add(followUp));
        }
        await store.complete(this.queue, item.id);
      } catch (err) {
        const failure = classifyDeliveryError(err, clock.now(), policy.maxRetryAfterMs ?? 60_000);
        if (isMessageGone(err) && item.payload.kind === 'update') {
          // A refresh of a message the chat no longer has: nothing is left to show it in.
          logger.warn({ err, outboxId: item.id }, 'outbox update of a deleted message; dropped');
          await store.complete(this.queue, item.id);
          continue;
        }
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
          // Out of the queue, yet kept with why for admins (`dead-letters`): never lost silently.
          await store.deadLetter(this.queue, item.id, refusal(failure.status, err));
          continue;
        }
        pending++;
        // Capped low enough that a card lands soon after a long outage ends.
        const delay =
          failure.kind === 'retryAfter'
            ? failure.ms
            : backoffMs(Math.min(item.attempts, 12) + 1, policy);
        await store.release(this.queue, item.id, clock.now() + delay);
      }
    }
    return { delivered, pending };
  }

  /** The item as it should go now: a run card posted meanwhile turns a send into an update. */
  private async current(item: OutboxItem): Promise<OutboxItem | 'wait' | undefined> {
    const { store } = this.opts;
    const approval = item.tag?.approvalCard;
    if (approval && item.kind === 'send') {
      // The approval was decided while its card waited here: post the decided card instead.
      const held = await heldDecision(store, approval.approvalId, item.conversationId);
      if (held) {
        const approvalCard = { ...approval, shows: held.shows };
        return { ...item, payload: held.payload, tag: { ...item.tag, approvalCard } };
      }
    }
    const tag = item.tag?.runCard;
    if (!tag) return item;
    const card = await getRunCard(store, tag.runId, item.conversationId);
    if (!card) {
      if (item.kind !== 'send') return undefined;
      const firstPostPending =
        item.behindFirstPost &&
        (await runCardCreationPending(store, tag.runId, item.conversationId));
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
      messageId: card.activityId,
      tag: {
        ...item.tag,
        runCard: { ...tag, lastUpdate: Math.max(tag.lastUpdate, card.lastUpdate + 1) },
      },
    };
  }

  /** Records what landed; resolves an update still owed to it (a decision held meanwhile). */
  private async remember(item: OutboxItem, messageId: string): Promise<OutboxItem | undefined> {
    const { store } = this.opts;
    const run = item.tag?.runCard;
    if (run) {
      await rememberRunCard(store, {
        runId: run.runId,
        conversationId: item.conversationId,
        activityId: messageId,
        lastUpdate: run.lastUpdate,
        lastStateHash: run.lastStateHash,
      });
    }
    const approval = item.tag?.approvalCard;
    if (approval && item.kind === 'send') {
      const { approvalId, shows } = approval;
      const held = await settleApprovalCard(
        store,
        approvalId,
        item.conversationId,
        messageId,
        shows,
      );
      if (held) {
        const { tag: _tag, ...rest } = item;
        return { ...rest, kind: 'update', messageId, payload: held.payload };
      }
    }
    return undefined;
  }
}

/** Why the channel refused a message, as an admin reads it in the dead letters. */
function refusal(status: number | undefined, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return status === undefined ? message : `${status} from the channel: ${message}`;
}
