import type { Reply } from '../commands/reply';
import {
  abandonRunCardClaim,
  claimRunCardCreation,
  forgetRunCard,
  getRunCard,
  rememberRunCard,
} from '../conversations/run-card';
import { rememberRunThread } from '../conversations/run-thread';
import { DeliveryDeferredError, isMessageGone } from './delivery-errors';
import type { Publisher, SendOptions } from './publisher';
import type { SendTag } from './outbox';

/** Where a turn's answer goes and through which turn. */
export interface InTurnTarget {
  conversationId: string;
  /** The platform's handle of the turn (Teams: its `TurnContext`); absent outside a turn. */
  turn?: unknown;
  /** Longest the turn spends retrying before the outbox takes the answer (default 4 s). */
  budgetMs?: number | undefined;
}

/**
 * A command's answer, sent in its turn. A card that shows a run is the run's one live card in
 * this chat: it is claimed first, because the run's first service-hook event can arrive before
 * this reply is sent; if notifications already posted it, that card is updated instead. A
 * look-up of a run whose card is already here (`status 143`) is a new message at the bottom
 * that becomes the live card, and the old card far up is refreshed too. In a channel thread the
 * answer lands in that thread, which becomes the run's thread there (its approval cards follow
 * it) unless the run already has one. Resolves the message id, or undefined when the outbox has it.
 * @example await publishAnswer(publisher, { conversationId, turn: context }, reply);
 */
export async function publishAnswer(
  publisher: Publisher,
  target: InTurnTarget,
  reply: Reply,
): Promise<string | undefined> {
  const { store, clock } = publisher;
  const { conversationId } = target;
  const runId = reply.runId;
  // Asked in a channel thread: the answer lands there (the turn's own conversation), and so
  // does it when the outbox delivers it later; a run shown there has its thread there.
  const threadRootId = target.turn ? publisher.threadOf(target.turn) : undefined;
  if (threadRootId !== undefined && runId !== undefined) {
    await rememberRunThread(store, runId, conversationId, threadRootId);
  }
  const options: SendOptions = {
    turn: target.turn,
    budgetMs: target.budgetMs ?? 4_000,
    maxAttempts: 10,
    ...(threadRootId !== undefined && { thread: { rootId: threadRootId, runId } }),
  };
  const payload = publisher.render(reply, conversationId);
  if (runId === undefined || reply.card !== 'run-status') {
    return sendOrDefer(publisher, conversationId, payload, undefined, options);
  }
  // No state hash: any state an event shows is further along than the reply's.
  const lastUpdate = clock.now();
  const tag: SendTag = { runCard: { runId, lastStateHash: '', lastUpdate } };
  const claimed = await claimRunCardCreation(store, runId, conversationId);
  if (!claimed && !reply.queued) return answerBelow(publisher, target, payload, runId, options);
  if (!claimed) {
    // Notifications are posting it right now: wait briefly for its id, then update it.
    for (let i = 0; i < 20; i++) {
      const existing = await getRunCard(store, runId, conversationId);
      if (existing) return updateOrPost(publisher, target, payload, existing, options);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Still on its way (in the outbox?): queue this one behind it, where it becomes an update.
    await publisher.defer(conversationId, payload, tag, {
      behindFirstPost: true,
      ...(options.thread && { thread: options.thread }),
    });
    return undefined;
  }
  const sentId = await sendOrDefer(publisher, conversationId, payload, tag, options);
  if (sentId) {
    await rememberRunCard(store, {
      runId,
      conversationId,
      activityId: sentId,
      lastUpdate,
    });
  }
  return sentId;
}

/**
 * Updates the run's card with the answer; a card the chat no longer has (deleted there) is
 * forgotten and the answer posted instead, as the run's new live card unless notifications are
 * posting one right now, so the person still gets an answer.
 */
async function updateOrPost(
  publisher: Publisher,
  target: InTurnTarget,
  payload: unknown,
  card: { runId: number; activityId: string },
  options: SendOptions,
): Promise<string | undefined> {
  const { store, clock, logger } = publisher;
  const { conversationId } = target;
  const { runId, activityId } = card;
  try {
    await publisher.update(conversationId, activityId, payload, undefined, options);
    return activityId;
  } catch (err) {
    if (!isMessageGone(err)) throw err;
  }
  logger.info({ runId, conversationId, activityId }, 'run card gone from the chat; posting anew');
  await forgetRunCard(store, runId, conversationId, activityId);
  const lastUpdate = clock.now();
  const claimed = await claimRunCardCreation(store, runId, conversationId);
  const tag: SendTag | undefined = claimed
    ? { runCard: { runId, lastStateHash: '', lastUpdate } }
    : undefined;
  const sentId = await sendOrDefer(publisher, conversationId, payload, tag, options).catch(
    async (err: unknown) => {
      // Refused for good: the next state of the run may post its card instead.
      if (claimed) await abandonRunCardClaim(store, runId, conversationId);
      throw err;
    },
  );
  if (sentId && claimed) {
    await rememberRunCard(store, { runId, conversationId, activityId: sentId, lastUpdate });
  }
  return sentId;
}

async function answerBelow(
  publisher: Publisher,
  target: InTurnTarget,
  payload: unknown,
  runId: number,
  options: SendOptions,
): Promise<string | undefined> {
  const { store, clock, logger } = publisher;
  const { conversationId } = target;
  const old = await getRunCard(store, runId, conversationId);
  // Untagged: an outbox holding it must post it, not turn it into an update of the old card.
  const sentId = await sendOrDefer(publisher, conversationId, payload, undefined, options);
  if (!sentId) return undefined;
  await rememberRunCard(store, {
    runId,
    conversationId,
    activityId: sentId,
    lastUpdate: Math.max(clock.now(), (old?.lastUpdate ?? 0) + 1),
  });
  if (old) {
    // One attempt: the answer is already there; a stale card far up is only a nicety.
    await publisher
      .update(conversationId, old.activityId, payload, undefined, { ...options, maxAttempts: 1 })
      .catch((err: unknown) => {
        if (!(err instanceof DeliveryDeferredError))
          logger.warn({ err, runId, activityId: old.activityId }, 'old run card not refreshed');
      });
  }
  return sentId;
}

/** Sends within the turn's budget; undefined when the outbox took it. */
async function sendOrDefer(
  publisher: Publisher,
  conversationId: string,
  payload: unknown,
  tag: SendTag | undefined,
  options: SendOptions,
): Promise<string | undefined> {
  try {
    return await publisher.send(conversationId, payload, tag, options);
  } catch (err) {
    if (err instanceof DeliveryDeferredError) return undefined;
    throw err;
  }
}
