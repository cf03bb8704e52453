import type { RunSummary } from '../devops/devops-port';
import type { CommandDeps } from './command-spec';
import { environmentOf } from './handler-kit';

/**
 * A run whose approval was rejected ends `failed` in Azure DevOps; only its timeline says
 * "rejected". Lists and the dashboard read the timeline of just those runs (failed, on a
 * pipeline whose environment needs approval) so a rejected deploy reads Rejected everywhere,
 * not Failed. Other runs are returned as they are, without a call.
 * @example const runs = await withStageResults(await deps.devops.listRuns({ top: 10 }), deps);
 */
export async function withStageResults(
  runs: readonly RunSummary[],
  deps: Pick<CommandDeps, 'catalog' | 'devops'>,
): Promise<RunSummary[]> {
  return Promise.all(
    runs.map(async (run) => {
      if (run.state !== 'completed' || run.result !== 'failed' || run.stages) return run;
      if (!environmentOf(deps, run.pipelineKey)?.approval) return run;
      try {
        return (await deps.devops.getRun(run.id, { withStages: true, known: run })) ?? run;
      } catch {
        // The list still answers; this run reads Failed, as Azure DevOps has it.
        return run;
      }
    }),
  );
}
