import type { Reply } from '../commands/reply';
import type { RunRecord } from '../use-cases/run-record';
import { getRunCard, runCardCreationPending } from '../conversations/run-card';
import type { RunSummary } from '../devops/devops-port';
import { DeliveryDeferredError } from '../publisher/delivery-errors';
import { once } from '../store/once';
import { completionNoticeData } from './completion-notice';
import { findPersonalConversation } from './find-personal-conversation';
import type { EventProcessorDeps } from './notification-deps';
import { getRunDecision } from '../use-cases/run-decision';

/** One completion message per run, whichever event (run-state, build.complete, poll) tells us. */
const COMPLETION_NOTICE_MS = 90 * 24 * 3600_000;

/**
 * Tells whoever started a run, in their personal chat, once per run, how it ended. Skipped
 * where their chat already shows the run's live card (one card per run per chat), unless
 * someone else rejected the run: the notice says who rejected it and why, which the run card
 * does not.
 * @example await notifyRequester(deps, run, record, 'Succeeded', 'Production');
 */
export async function notifyRequester(
  deps: EventProcessorDeps,
  run: RunSummary,
  record: RunRecord | undefined,
  stateText: string,
  environment: string | undefined,
): Promise<void> {
  const { store, publisher, logger } = deps;
  if (!record) return;
  const key = `run-completed:${run.id}`;
  if (!(await once(store, key, COMPLETION_NOTICE_MS))) return;
  let target = await findPersonalConversation(store, record);
  if (!target) {
    target = await publisher
      .openPersonalChat(record.requestedBy.teamsId, record.conversationId)
      .catch((err: unknown) => {
        logger.warn({ err, runId: run.id }, 'could not open a personal chat with the requester');
        return undefined;
      });
  }
  if (!target) {
    logger.info(
      { runId: run.id, requester: record.requestedBy.id },
      'requester has no personal chat with the bot; completion message skipped',
    );
    return;
  }
  const decision = stateText === 'Rejected' ? await getRunDecision(store, run.id) : undefined;
  // Who rejected it and why is news under the live card, unless the requester rejected it
  // themself: the answer to their own `reject` already says so, right above.
  const news = decision && decision.by !== record.requestedBy.name;
  if (
    !news &&
    ((await getRunCard(store, run.id, target)) ||
      (await runCardCreationPending(store, run.id, target)))
  )
    return;
  const reply: Reply = {
    card: 'notification',
    data: completionNoticeData(run, record, {
      stateText,
      environment,
      decision,
      now: deps.clock.now(),
    }),
  };
  try {
    await publisher.post(target, reply);
  } catch (err) {
    if (err instanceof DeliveryDeferredError) return;
    await store.delete('dedupe', key).catch(() => undefined); // let a later event try again
    logger.warn({ err, runId: run.id }, 'completion message to the requester failed');
  }
}
