import type { Activity } from 'botbuilder';

/** What to record once a deferred send finally lands (the outbox does it for the processor). */
export interface SendTag {
  /** The activity is the live card of this run in this conversation. */
  runCard?: { runId: number; lastStateHash: string; lastUpdate: number };
  /** The activity is the approval card of this approval in this conversation. */
  approvalCard?: { approvalId: string };
}

/**
 * How notifications reach a chat: post a new message, or replace one the bot posted. The
 * production implementation is `ProactiveSender` (Bot Framework, retries, outbox); tests use a
 * fake that records calls.
 * @example const id = await sender.send(conversationId, activity); await sender.update(conversationId, id, next);
 */
export interface NotificationSender {
  /** Resolves the new activity's id. Throws `DeliveryDeferredError` when it went to the outbox. */
  send(conversationId: string, activity: Partial<Activity>, tag?: SendTag): Promise<string>;
  update(
    conversationId: string,
    activityId: string,
    activity: Partial<Activity>,
    tag?: SendTag,
  ): Promise<void>;
  /** Queues a send for the outbox without trying now (a first post of that card is on its way). */
  defer?(
    conversationId: string,
    activity: Partial<Activity>,
    tag?: SendTag,
    options?: { behindFirstPost?: boolean },
  ): Promise<string>;
}

/** The channel kept failing: the activity waits in the outbox and will be delivered later. */
export class DeliveryDeferredError extends Error {
  constructor(
    readonly outboxId: string,
    cause?: unknown,
  ) {
    super(`delivery deferred to the outbox (${outboxId})`, { cause });
    this.name = 'DeliveryDeferredError';
  }
}

/** Retrying cannot help (no stored conversation, the bot was removed, 4xx). */
export class DeliveryFailedError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'DeliveryFailedError';
  }
}
