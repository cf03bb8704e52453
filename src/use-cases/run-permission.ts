import type { Decision } from '../auth/authorizer';
import type { PipelineSpec } from '../catalog/catalog-schema';
import { catalogIndex } from '../catalog/catalog-index';
import type { RunSummary } from '../devops/devops-port';
import { audit } from './audit';
import type { UseCaseContext, UseCaseDeps } from './use-case-deps';

/** Why a person may not act on a run (cancel, retry), each with what its answer needs. */
export type RunRefusal =
  | { code: 'refused:no-such-run' }
  | { code: 'refused:not-in-catalog'; pipelineName: string }
  | { code: 'refused:not-allowed'; decision: Extract<Decision, { allowed: false }> };

/**
 * Whether this person may start runs of a pipeline: deploying to its environment (a deploy
 * pipeline), else running the pipeline itself; asked where the command was typed.
 * @example runDecision({ environment: 'prod', pipelineKey: 'prod' }, ctx, deps).allowed
 */
export function runDecision(
  target: { environment?: string | undefined; pipelineKey: string },
  ctx: UseCaseContext,
  deps: Pick<UseCaseDeps, 'authorizer'>,
): Decision {
  const where = { channelId: ctx.conversation.channelId };
  return target.environment
    ? deps.authorizer.check(ctx.actor, { kind: 'deploy', environment: target.environment }, where)
    : deps.authorizer.check(ctx.actor, { kind: 'run', pipeline: target.pipelineKey }, where);
}

/**
 * May this person act on runs of `pipeline` (cancel, retry): the same right as starting one.
 * A refusal is audited with its code.
 * @example const refused = await refuseRunAction(5, pipeline, ctx, deps, 'cancel');
 */
export async function refuseRunAction(
  runId: number,
  pipeline: PipelineSpec,
  ctx: UseCaseContext,
  deps: UseCaseDeps,
  action: string,
): Promise<RunRefusal | undefined> {
  const target = { environment: pipeline.environment, pipelineKey: pipeline.key };
  const decision = runDecision(target, ctx, deps);
  if (decision.allowed) return undefined;
  await audit(deps, ctx, {
    action: `${action} ${runId}`,
    detail: decision.reason,
    outcome: `refused:${decision.why ?? 'not-allowed'}`,
    runId,
  });
  return { code: 'refused:not-allowed', decision };
}

/**
 * Reads a run and checks the person may act on it: the run and its catalog pipeline, or why not.
 * @example const r = await readRunToActOn(5, ctx, deps, 'retry'); if (r.code === 'allowed') r.run
 */
export async function readRunToActOn(
  runId: number,
  ctx: UseCaseContext,
  deps: UseCaseDeps,
  action: string,
): Promise<RunRefusal | { code: 'allowed'; run: RunSummary; pipeline: PipelineSpec }> {
  const run = await deps.devops.getRun(runId);
  if (!run) return { code: 'refused:no-such-run' };
  const pipeline = catalogIndex(deps.catalog).pipeline(run.pipelineKey);
  if (!pipeline) return { code: 'refused:not-in-catalog', pipelineName: run.pipelineName };
  const refused = await refuseRunAction(runId, pipeline, ctx, deps, action);
  return refused ?? { code: 'allowed', run, pipeline };
}
