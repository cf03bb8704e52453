import { runCardData } from '../cards/run-card-data';
import type { RunStatusCardData } from '../cards/card-data';
import { catalogIndex } from '../catalog/catalog-index';
import { cardStateHash, runProgress } from '../conversations/run-progress';
import type { RunSummary } from '../devops/devops-port';
import { retriedAs } from '../use-cases/retry-run';
import { getRunDecision } from '../use-cases/run-decision';
import { requesterLine, type RunRecord } from '../use-cases/run-record';
import type { EventProcessorDeps } from './notification-deps';

/** A run's live card as events show it, and the hash that keeps it from going backwards. */
export interface RunCardState {
  data: RunStatusCardData;
  stateHash: string;
}

/**
 * What a run's card shows in every chat, from one read of the run (ideally `withStages`): the
 * failing task's log when it failed, who canceled it, and, once finished, the run a retry
 * queued. Every path that redraws a run card from an event goes through here, so none of them
 * can bring a used Retry button back.
 * @example const { data, stateHash } = await runCardState(deps, run, record, 'Production');
 */
export async function runCardState(
  deps: Pick<EventProcessorDeps, 'devops' | 'store' | 'catalog' | 'clock'>,
  run: RunSummary,
  record: RunRecord | undefined,
  environment: string | undefined,
): Promise<RunCardState> {
  const { devops, store } = deps;
  const completed = run.state === 'completed';
  const failed = completed && run.result === 'failed';
  const [logTail, decision, retried] = await Promise.all([
    // The timeline just read names the failed task (if any): only its log is read.
    failed && run.failedTask
      ? devops.failingLogTail(run.id, { failedTask: run.failedTask }).catch(() => null)
      : Promise.resolve(null),
    // Who canceled it, or who rejected it and why (a rejected run ends failed).
    run.state === 'canceling' || run.result === 'canceled' || failed
      ? getRunDecision(store, run.id)
      : Promise.resolve(undefined),
    // One store read, and only for a finished run: only those can be retried.
    completed ? retriedAs(run.id, deps) : Promise.resolve(undefined),
  ]);
  const data = runCardData(run, {
    environment,
    modelParameter: catalogIndex(deps.catalog).modelParameter,
    requestedBy: requesterLine(record),
    ...(decision?.status === 'canceled' && { canceledBy: decision.by }),
    ...(decision?.status === 'rejected' && { rejected: decision }),
    retriedAs: retried,
    logTail,
    now: deps.clock.now(),
  });
  return { data, stateHash: cardStateHash(runProgress(run), data) };
}
