import type { Activity, TurnContext } from 'botbuilder';
import type { Clock } from '../clock/clock';
import type { Logger } from '../logging/create-logger';
import type { SendTag } from '../publisher/outbox';
import { oneAttemptPerCall } from './one-attempt-per-call';
import { classifyDeliveryError } from '../publisher/delivery-retry';

/** Where a turn's reply goes when the channel does not take it in time (the proactive outbox). */
export interface TurnOutbox {
  defer(
    conversationId: string,
    activity: Partial<Activity>,
    tag?: SendTag,
    options?: { behindFirstPost?: boolean },
  ): Promise<string>;
}

export interface SendWithinBudgetOptions {
  clock: Clock;
  logger: Logger;
  /** Longest the turn spends on this send, waits between attempts included. */
  budgetMs: number;
  outbox?: TurnOutbox;
  tag?: SendTag;
  /** First backoff for 5xx and dropped connections; doubles (default 250 ms). */
  baseDelayMs?: number;
  sleep?(ms: number): Promise<void>;
}

/**
 * Sends a reply in the turn: one HTTP attempt per try (botbuilder's own retries would sleep a
 * whole `Retry-After`), retried while the next wait still fits the budget; then handed to the
 * outbox, which delivers it to the same conversation later. A refusal for good (4xx) throws.
 * Resolves the new activity id, or undefined when the outbox took it.
 * @example const id = await sendWithinBudget(context, activity, { clock, logger, budgetMs: 4000, outbox });
 */
export async function sendWithinBudget(
  context: TurnContext,
  activity: Partial<Activity>,
  opts: SendWithinBudgetOptions,
): Promise<string | undefined> {
  const { clock, logger } = opts;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = clock.now() + opts.budgetMs;
  oneAttemptPerCall(context);
  let last: unknown;
  for (let attempt = 1; attempt <= 10; attempt++) {
    try {
      const sent = await context.sendActivity(activity);
      return sent?.id ?? '';
    } catch (err) {
      last = err;
      const failure = classifyDeliveryError(err, clock.now(), Number.MAX_SAFE_INTEGER);
      if (failure.kind === 'permanent') throw err;
      const delay =
        failure.kind === 'retryAfter' ? failure.ms : (opts.baseDelayMs ?? 250) * 2 ** (attempt - 1);
      if (clock.now() + delay > deadline) break;
      logger.warn(
        { activityId: context.activity.id, attempt, delay, status: failure.status },
        'reply failed; retrying within the turn',
      );
      await sleep(delay);
    }
  }
  const conversationId = context.activity.conversation?.id;
  if (!opts.outbox || !conversationId) throw last;
  const outboxId = await opts.outbox.defer(conversationId, activity, opts.tag);
  logger.warn(
    { activityId: context.activity.id, conversationId, outboxId, err: last },
    'reply not taken in time; handed to the outbox',
  );
  return undefined;
}
