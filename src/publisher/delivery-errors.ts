import { CodedError } from '../errors/coded-error';

/** How a chat platform's failure is treated (see `ChannelError`). */
export type ChannelErrorCode = 'refused' | 'gone' | 'throttled' | 'unavailable';

/**
 * What a chat platform answered when a call failed. `refused`: the same call fails every time
 * (4xx, a malformed message, an unknown conversation); `gone`: the message the call names (the
 * one to update, the thread's root) is not in the chat any more (deleted, or a chat that was
 * reset): the call fails every time, but a new post works; `throttled`: come back after
 * `retryAfterMs`; `unavailable`: 5xx or a dropped connection, worth retrying.
 * @example throw new ChannelError('throttled', 'Teams answered 429', { status: 429, retryAfterMs: 2000 });
 */
export class ChannelError extends CodedError<ChannelErrorCode> {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ChannelErrorCode,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The channel kept failing: the message waits in the outbox and will be delivered later. */
export class DeliveryDeferredError extends CodedError<'deliveryDeferred'> {
  constructor(
    readonly outboxId: string,
    cause?: unknown,
  ) {
    super('deliveryDeferred', `delivery deferred to the outbox (${outboxId})`, { cause });
  }
}

/** Retrying cannot help (no stored conversation, the bot was removed, 4xx). */
export class DeliveryFailedError extends CodedError<'deliveryFailed'> {
  constructor(
    message: string,
    readonly status?: number,
    cause?: unknown,
  ) {
    super('deliveryFailed', message, { cause });
  }
}

/**
 * True when a failed send or update failed because the message it names is gone from the chat
 * (a `ChannelError` of kind `gone`, also as the cause of a `DeliveryFailedError`): the one place
 * that says so, for the callers that then post the card anew instead of failing.
 * @example
 *   try { await publisher.update(conv, card.activityId, payload); }
 *   catch (err) { if (!isMessageGone(err)) throw err; await publisher.send(conv, payload); }
 */
export function isMessageGone(err: unknown): boolean {
  let e: unknown = err;
  // A few causes deep at most: DeliveryFailedError → ChannelError → the SDK's error.
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    if (e instanceof ChannelError) return e.code === 'gone';
    e = e.cause;
  }
  return false;
}
