import { catalogIndex } from '../catalog/catalog-index';
import { shortBranch } from '../cards/format';
import type { RunSummary } from '../devops/devops-port';
import type { UseCaseDeps } from './use-case-deps';

/** What an environment runs now: its newest succeeded deploy. */
export interface LiveDeployment {
  run: RunSummary;
  /** e.g. '3'; undefined when the run took no model. */
  model?: string;
  branch: string;
  /** ISO time the deploy finished. */
  since: string;
  by?: string;
}

/**
 * The newest succeeded run of the environment's pipeline: what is live there now. A failed,
 * rejected or canceled deploy changed nothing, so it is skipped. null when none is in the
 * latest `top` runs.
 * @example const live = await liveDeployment('prod', deps); // live?.model === '3'
 */
export async function liveDeployment(
  environment: string,
  deps: Pick<UseCaseDeps, 'catalog' | 'devops'>,
  top = 20,
): Promise<LiveDeployment | null> {
  const index = catalogIndex(deps.catalog);
  const env = index.environment(environment);
  if (!env) return null;
  const runs = await deps.devops.listRuns({ pipelineKey: env.pipeline, top });
  const run = runs.find((r) => r.state === 'completed' && r.result === 'succeeded');
  if (!run) return null;
  return {
    run,
    model: index.modelVersionOf(run.parameters),
    branch: shortBranch(run.branch),
    since: run.finishedDate ?? run.createdDate,
    by: run.requestedBy,
  };
}
