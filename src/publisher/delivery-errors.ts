import { CodedError } from '../errors/coded-error';

/**
 * What a chat platform answered when a call failed. `refused`: the same call fails every time
 * (4xx, a malformed message, an unknown conversation); `throttled`: come back after
 * `retryAfterMs`; `unavailable`: 5xx or a dropped connection, worth retrying.
 * @example throw new ChannelError('throttled', 'Teams answered 429', { status: 429, retryAfterMs: 2000 });
 */
export class ChannelError extends CodedError<'refused' | 'throttled' | 'unavailable'> {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: 'refused' | 'throttled' | 'unavailable',
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
