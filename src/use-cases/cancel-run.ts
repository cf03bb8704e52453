import type { PipelineSpec } from '../catalog/catalog-schema';
import { catalogIndex } from '../catalog/catalog-index';
import { DevOpsError, type RunSummary } from '../devops/devops-port';
import { rememberCanceledBy } from './run-decision';
import { audit } from './audit';
import { readRunToActOn, refuseRunAction, type RunRefusal } from './run-permission';
import { getRunRecord } from './run-record';
import type { UseCaseContext, UseCaseDeps } from './use-case-deps';

/**
 * What a cancel came to: `canceled` (with Azure DevOps' answer; `readStages` says whether the
 * card may read the timeline), `refused:already-finished`, or a run refusal.
 */
export type CancelOutcome =
  | RunRefusal
  | { code: 'refused:already-finished'; result?: string }
  | { code: 'canceled'; run: RunSummary; readStages: boolean };

/**
 * Cancel a run, from the command and the card's Cancel button. A run the bot queued is known
 * from its run record (its pipeline decides who may cancel), so the cancel itself comes first:
 * 1 call. Any other run is read first for the permission check: 2 calls. Azure DevOps failures
 * are thrown (`runCommand`/`runCardAction` answer them).
 *
 * @example
 * const outcome = await cancelRun(1234, ctx, deps);
 * if (outcome.code === 'canceled') outcome.run.state // 'cancelling'
 */
export async function cancelRun(
  runId: number,
  ctx: UseCaseContext,
  deps: UseCaseDeps,
): Promise<CancelOutcome> {
  const record = await getRunRecord(deps.store, runId);
  const recorded = catalogIndex(deps.catalog).pipeline(record?.pipelineKey);
  let pipeline: PipelineSpec;
  if (recorded) {
    const refused = await refuseRunAction(runId, recorded, ctx, deps, 'cancel');
    if (refused) return refused;
    pipeline = recorded;
  } else {
    const checked = await readRunToActOn(runId, ctx, deps, 'cancel');
    if (checked.code !== 'allowed') return checked;
    if (checked.run.state === 'completed') {
      return { code: 'refused:already-finished', result: checked.run.result };
    }
    pipeline = checked.pipeline;
  }
  let run: RunSummary;
  try {
    run = await deps.devops.cancelRun(runId);
  } catch (err) {
    // Without a read first, a finished run may be refused here rather than returned as is.
    if (!(recorded && err instanceof DevOpsError && err.code === 'conflict')) throw err;
    const now = await deps.devops.getRun(runId);
    if (now?.state !== 'completed') throw err;
    return { code: 'refused:already-finished', result: now.result };
  }
  if (run.state === 'completed') return { code: 'refused:already-finished', result: run.result };
  await rememberCanceledBy(deps.store, runId, ctx.actor.name);
  await audit(deps, ctx, {
    action: 'cancel',
    detail: `run ${runId} of ${pipeline.name}`,
    outcome: 'ok',
    runId,
  });
  return { code: 'canceled', run, readStages: Boolean(recorded) };
}
