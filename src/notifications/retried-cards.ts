import { catalogIndex } from '../catalog/catalog-index';
import { listRunCards } from '../conversations/run-card';
import { showRunCard } from '../publisher/run-card-publisher';
import { once } from '../store/once';
import { getRunRecord, type RunRecord } from '../use-cases/run-record';
import { logDeliveries, type EventProcessorDeps } from './notification-deps';
import { runCardState } from './run-card-state';

/** As long as run records: a retry refreshes its original's cards once in its lifetime. */
const RETRIED_CARDS_MS = 90 * 24 * 3600_000;

/**
 * Once a retry run is known (its record names `retryOf`), the original run's card in EVERY
 * chat says "retried as #N" and loses its Retry button, not only the card that was clicked.
 *
 * Why here, on the retry run's events: the click and the typed `retry` both end in a queued
 * run whose record says `retryOf`, and that run's events reach whichever replica processes
 * them (service hook or poll), so one trigger covers every way a retry starts. `retryOf` is
 * written after the run is queued, so an early event may not see it yet; the next one does
 * (`once` is only taken when it is set). Only cards that exist are updated: none is created.
 * @example await showRetriedCards(deps, record); // record.retryOf === 41
 */
export async function showRetriedCards(
  deps: EventProcessorDeps,
  record: RunRecord | undefined,
): Promise<void> {
  const originalId = record?.retryOf;
  if (originalId === undefined) return;
  const { store, devops, catalog, logger, publisher } = deps;
  const key = `retried-cards:${originalId}`;
  if (!(await once(store, key, RETRIED_CARDS_MS))) return;
  try {
    const cards = await listRunCards(store, originalId);
    if (cards.length === 0) return;
    const run = await devops.getRun(originalId, { withStages: true });
    if (!run) return;
    const environment = catalogIndex(catalog).environmentOf(run.pipelineKey)?.displayName;
    const original = await getRunRecord(store, originalId);
    const { data, stateHash } = await runCardState(deps, run, original, environment);
    const outcomes = await Promise.allSettled(
      cards.map((card) =>
        showRunCard(publisher, {
          runId: originalId,
          conversationId: card.conversationId,
          card,
          mayCreate: false,
          reply: { card: 'run-status', data, runId: originalId },
          stateHash,
        }),
      ),
    );
    const chats = cards.map((c) => c.conversationId);
    logDeliveries(logger, outcomes, chats, { runId: originalId, what: 'retried run card' });
  } catch (err) {
    // Azure DevOps or the store failed: the retry run's next event tries again.
    await store.delete('dedupe', key).catch(() => undefined);
    logger.warn({ err, runId: originalId }, 'could not mark the retried run’s cards');
  }
}
