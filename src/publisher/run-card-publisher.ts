import type { Reply } from '../commands/reply';
import {
  abandonRunCardClaim,
  claimRunCardCreation,
  forgetRunCard,
  getRunCard,
  rememberRunCard,
  runCardCreationPending,
  type RunCard,
} from '../conversations/run-card';
import { progressOfHash } from '../conversations/run-progress';
import { DeliveryDeferredError, isMessageGone } from './delivery-errors';
import type { Publisher } from './publisher';

export type RunCardOutcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'deferred';

/**
 * Shows a run's state as its one live card in a chat: creates it once (a claim decides who,
 * across replicas and the requester's own reply), or updates it in place when the run moved
 * on; never backwards. A state that cannot post because the first post is still on its way
 * waits in the outbox behind it. A card the chat no longer has (deleted there) is forgotten and
 * the state is posted as a new live card.
 * @example await showRunCard(publisher, { runId: 42, conversationId, reply, stateHash, mayCreate: true });
 */
export async function showRunCard(
  publisher: Publisher,
  args: {
    runId: number;
    conversationId: string;
    /** The card already read (saves a read), if any. */
    card?: RunCard | undefined;
    /** False where someone else posts the first card (the chat the run was asked in). */
    mayCreate: boolean;
    reply: Reply;
    stateHash: string;
  },
): Promise<RunCardOutcome> {
  const { store, clock } = publisher;
  const { runId, conversationId, stateHash } = args;
  const card = args.card ?? (await getRunCard(store, runId, conversationId));
  const payload = publisher.render(args.reply, conversationId);
  if (card) {
    // Never backwards: a stale read or an out-of-order event shows less progress.
    if (
      card.lastStateHash === stateHash ||
      progressOfHash(card.lastStateHash) > progressOfHash(stateHash)
    ) {
      return 'unchanged';
    }
    const lastUpdate = Math.max(clock.now(), card.lastUpdate + 1);
    const tag = { runCard: { runId, lastStateHash: stateHash, lastUpdate } };
    try {
      await publisher.update(conversationId, card.activityId, payload, tag);
    } catch (err) {
      // The outbox applies it (and remembers it) once the channel takes it again.
      if (err instanceof DeliveryDeferredError) return 'deferred';
      if (!isMessageGone(err)) throw err;
      // Deleted in the chat: the run still has a live card there, a new one at the bottom.
      publisher.logger.info(
        { runId, conversationId, activityId: card.activityId },
        'run card gone from the chat; posting it anew',
      );
      await forgetRunCard(store, runId, conversationId, card.activityId);
      return showRunCard(publisher, { ...args, card: undefined, mayCreate: true });
    }
    await rememberRunCard(store, { ...card, lastUpdate, lastStateHash: stateHash });
    return 'updated';
  }
  const lastUpdate = clock.now();
  const tag = { runCard: { runId, lastStateHash: stateHash, lastUpdate } };
  if (!args.mayCreate || !(await claimRunCardCreation(store, runId, conversationId))) {
    // Its first post is on its way (the requester's reply, or a send waiting in the outbox):
    // queue this state behind it, where it becomes an update once that card exists, so the
    // card still reaches its final state when this was the run's last event.
    if (await runCardCreationPending(store, runId, conversationId)) {
      await publisher.defer(conversationId, payload, tag, {
        behindFirstPost: true,
        thread: { runId },
      });
      return 'deferred';
    }
    return 'skipped';
  }
  try {
    // In a channel, the run's first post starts its thread (or joins the one it was asked in).
    const activityId = await publisher.send(conversationId, payload, tag, { thread: { runId } });
    await rememberRunCard(store, {
      runId,
      conversationId,
      activityId,
      lastUpdate,
      lastStateHash: stateHash,
    });
    return 'created';
  } catch (err) {
    // Deferred: the outbox posts it and remembers the card; keep the claim meanwhile.
    if (!(err instanceof DeliveryDeferredError))
      await abandonRunCardClaim(store, runId, conversationId);
    throw err;
  }
}
