import { catalogIndex } from '../catalog/catalog-index';
import type { ApprovalSummary } from '../devops/devops-port';
import { rememberRunDecision } from '../use-cases/run-decision';
import { getRunRecord } from '../use-cases/run-record';
import { listRunCards } from '../conversations/run-card';
import { showRunCard, type RunCardOutcome } from '../publisher/run-card-publisher';
import type { RunEventForFilter } from '../subscriptions/subscription';
import { showApproval } from './approval-notice';
import { audienceFor } from './audience';
import { logDeliveries, type EventProcessorDeps } from './notification-deps';
import { notifyRequester } from './requester-notice';
import { showRetriedCards } from './retried-cards';
import { runCardState } from './run-card-state';
import { filterEventFor, type RunEvent } from './run-event';
import { trackRun, untrackRun } from './tracked-runs';

/** The distinct subscription filters of a group's events, in order. */
function distinctFilters(filters: RunEventForFilter[]): RunEventForFilter[] {
  const seen = new Map<string, RunEventForFilter>();
  for (const f of filters) {
    const key = JSON.stringify(f);
    seen.delete(key); // keep the last position, so the newest is last
    seen.set(key, f);
  }
  return [...seen.values()];
}

/**
 * Remembers the decided approvals the events name before the run's cards are drawn, so a
 * rejected run's card says who rejected it and why from the event that ends it (the approval
 * card, drawn after the run cards, reuses what was read here). Resolves them by id.
 */
async function rememberDecisions(
  deps: EventProcessorDeps,
  events: RunEvent[],
): Promise<Map<string, ApprovalSummary>> {
  const decided = new Set(
    events.flatMap((e) => (e.approval?.pending === false ? [e.approval.id] : [])),
  );
  const read = new Map<string, ApprovalSummary>();
  for (const id of decided) {
    const approval = await deps.devops.getApproval(id);
    if (!approval) continue;
    await rememberRunDecision(deps.store, approval);
    read.set(id, approval);
  }
  return read;
}

/**
 * Shows what a run's events (oldest first) mean, from ONE read of the run: its live card in
 * every chat that has it or wants it, the approval cards the events name, and, once it
 * completed, the requester's notice. Throws when Azure DevOps or the store failed (the event is
 * retried); chat failures are logged (the publisher's outbox keeps them).
 * @example await showRunUpdate(deps, 42, events);
 */
export async function showRunUpdate(
  deps: EventProcessorDeps,
  runId: number,
  events: RunEvent[],
): Promise<void> {
  const { devops, store, catalog, clock, logger, publisher } = deps;
  // The newest event names the group in logs; every event's filter still picks its audience.
  const event = events[events.length - 1]!;
  const run = await devops.getRun(runId, { withStages: true });
  if (!run) {
    logger.warn({ runId, eventId: event.id }, 'run not found in Azure DevOps; event ignored');
    await untrackRun(store, runId);
    return;
  }
  const filterEvents = distinctFilters(events.map((e) => filterEventFor(e, run, catalog)));
  const filterEvent = filterEvents[filterEvents.length - 1]!;
  const record = await getRunRecord(store, runId);
  const now = clock.now();
  const environment = catalogIndex(catalog).environment(filterEvent.environment);
  const decided =
    run.state === 'completed'
      ? await rememberDecisions(deps, events)
      : new Map<string, ApprovalSummary>();
  // A retried run's card keeps saying "retried as #N" whichever late event redraws it.
  const { data, stateHash } = await runCardState(deps, run, record, environment?.displayName);

  const existing = new Map((await listRunCards(store, runId)).map((c) => [c.conversationId, c]));
  const creators = new Set(
    (await Promise.all(filterEvents.map((f) => audienceFor(store, catalog, f)))).flat(),
  );
  // The requester's chat too: its card may still be on its way (in the outbox), and this
  // state must follow it there.
  const requesterChat =
    record && !existing.has(record.conversationId) ? [record.conversationId] : [];
  const targets = [...new Set([...existing.keys(), ...creators, ...requesterChat])];
  const outcomes = await Promise.allSettled(
    targets.map((conversationId) =>
      showRunCard(publisher, {
        runId,
        conversationId,
        card: existing.get(conversationId),
        // The chat where the run was asked for gets its card from the bot's reply, which
        // may not be remembered yet when the first event arrives: never post a second one.
        mayCreate: creators.has(conversationId) && conversationId !== record?.conversationId,
        reply: { card: 'run-status', data, runId },
        stateHash,
      }),
    ),
  );
  logDeliveries(logger, outcomes, targets, { runId, eventId: event.id, what: 'run card' });
  logger.info(
    {
      runId,
      eventId: event.id,
      ...(events.length > 1 && { coalesced: events.length }),
      kind: event.kind,
      source: event.source,
      cards: Object.fromEntries(
        targets.map((t, i) => [
          t,
          outcomes[i]!.status === 'fulfilled'
            ? (outcomes[i] as PromiseFulfilledResult<RunCardOutcome>).value
            : 'failed',
        ]),
      ),
    },
    'run event processed',
  );

  // A retry's events mark its original's cards in every chat (once, see showRetriedCards).
  await showRetriedCards(deps, record);

  // Every approval the group names, in order (a pending one still posts its card).
  const approvals = new Set<string>();
  for (const e of events) {
    const key = e.approval && `${e.approval.id}:${e.approval.pending}`;
    if (!e.approval || !key || approvals.has(key)) continue;
    approvals.add(key);
    const read = e.approval.pending ? undefined : decided.get(e.approval.id);
    await showApproval(deps, e.approval, run, filterEventFor(e, run, catalog), record, read);
  }

  if (run.state === 'completed') {
    deps.onRunCompleted?.(run);
    await untrackRun(store, runId);
    await notifyRequester(deps, run, record, data.stateText, environment?.displayName);
  } else {
    await trackRun(store, runId, now);
  }
}
