import { runCardData } from '../cards/run-card-data';
import type { RunSummary } from '../devops/devops-port';
import type { CommandDeps } from './command-spec';
import { devopsFailureReply, environmentOf } from './handler-kit';
import { messageReply } from './message-reply';
import type { Reply } from './reply';
import { getRunRecord } from './run-record';

/**
 * A run's live card: stages from the timeline, the failing task's log tail when it failed, and
 * Approve/Reject when it waits. Calls Azure DevOps only for what the state needs.
 */
export async function runStatusReply(
  runId: number,
  deps: CommandDeps,
  known?: RunSummary,
): Promise<Reply> {
  try {
    const run = known?.stages ? known : await deps.devops.getRun(runId, { withStages: true });
    if (!run)
      return messageReply(
        'attention',
        'No such run',
        `Azure DevOps has no run ${runId}. See \`runs\` for recent ones.`,
      );
    const failed = run.state === 'completed' && run.result === 'failed';
    const waiting =
      run.state === 'inProgress' && (run.stages ?? []).some((s) => s.state === 'waiting');
    const [logTail, approvals, record] = await Promise.all([
      failed ? deps.devops.failingLogTail(runId) : Promise.resolve(null),
      waiting ? deps.devops.pendingApprovals({ runId }) : Promise.resolve([]),
      getRunRecord(deps.store, runId),
    ]);
    const env = environmentOf(deps, run.pipelineKey);
    const data = runCardData(run, {
      environment: env?.displayName,
      requestedBy: record?.requestedBy.name,
      logTail,
      pendingApprovalId: approvals[0]?.id,
      now: deps.clock.now(),
    });
    return { card: 'run-status', data, runId };
  } catch (err) {
    return devopsFailureReply(err, `read run ${runId}`);
  }
}
