import { catalogIndex } from '../catalog/catalog-index';
import { runCardData } from '../cards/run-card-data';
import type { RunSummary } from '../devops/devops-port';
import type { CommandDeps } from './command-spec';
import { devopsFailureReply } from './handler-kit';
import { messageReply } from './message-reply';
import type { Reply } from './reply';
import { getRunDecision } from '../use-cases/run-decision';
import { getRunRecord, requesterLine } from '../use-cases/run-record';
import { retriedAs } from '../use-cases/retry-run';

/** How `runStatusReply` may read Azure DevOps beyond what it is given. */
export interface RunStatusOptions {
  /**
   * Default true: read the timeline for the stages (one call) when `known` has none. False
   * renders `known` as it is, without stage rows (e.g. straight from a cancel's answer).
   */
  readStages?: boolean;
}

/**
 * A run's live card: stages from the timeline, the failing task's log tail when it failed, and
 * Approve/Reject when it waits. Calls Azure DevOps only for what the state needs: build +
 * timeline (only the timeline when `known` holds the build), + the log when a task failed. A
 * waiting stage names its approval in the timeline, so Approve/Reject costs no extra call.
 * @example
 *   const [latest] = await deps.devops.listRuns({ pipelineKey: 'prod', top: 1 });
 *   return runStatusReply(latest.id, deps, latest); // one timeline call
 */
export async function runStatusReply(
  runId: number,
  deps: CommandDeps,
  known?: RunSummary,
  opts: RunStatusOptions = {},
): Promise<Reply> {
  try {
    const run =
      known && (known.stages || opts.readStages === false)
        ? known
        : await deps.devops.getRun(runId, { withStages: true, ...(known && { known }) });
    if (!run)
      return {
        ...messageReply(
          'attention',
          'No such run',
          `Azure DevOps has no run ${runId}. See \`runs\` for recent ones.`,
        ),
        outcome: 'refused:no-such-run',
      };
    // Read with stages, a run without `failedTask` has no failed task with a log: no call.
    const failed =
      run.state === 'completed' &&
      run.result === 'failed' &&
      (run.stages === undefined || run.failedTask !== undefined);
    const waitingStage =
      run.state === 'inProgress'
        ? (run.stages ?? []).find((s) => s.state === 'waiting')
        : undefined;
    const [logTail, approvals, record, decision, retried] = await Promise.all([
      failed
        ? deps.devops.failingLogTail(runId, run.failedTask && { failedTask: run.failedTask })
        : Promise.resolve(null),
      // Only when the timeline did not name the approval (a fake, or a check of another kind).
      waitingStage && !waitingStage.approvalId
        ? deps.devops.pendingApprovals({ runId })
        : Promise.resolve([]),
      getRunRecord(deps.store, runId),
      // Who canceled it, or who rejected it and why (a rejected run ends failed).
      run.state === 'canceling' || run.result === 'canceled' || run.result === 'failed'
        ? getRunDecision(deps.store, runId)
        : Promise.resolve(undefined),
      run.state === 'completed' ? retriedAs(runId, deps) : Promise.resolve(undefined),
    ]);
    const index = catalogIndex(deps.catalog);
    const data = runCardData(run, {
      environment: index.environmentOf(run.pipelineKey)?.displayName,
      modelParameter: index.modelParameter,
      // The same line as the live card: with "retry of #M" for a retry.
      requestedBy: requesterLine(record),
      canceledBy: decision?.status === 'canceled' ? decision.by : undefined,
      rejected: decision?.status === 'rejected' ? decision : undefined,
      retriedAs: retried,
      logTail,
      pendingApprovalId: waitingStage?.approvalId ?? approvals[0]?.id,
      now: deps.clock.now(),
    });
    return { card: 'run-status', data, runId };
  } catch (err) {
    return devopsFailureReply(err, `read run ${runId}`);
  }
}
