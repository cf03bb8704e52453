import type { RunSummary } from '../devops/devops-port';
import type { CommandDeps } from './command-spec';

/** A build number as Azure DevOps shows it: `20261129.3` (date, then a count per pipeline). */
export const BUILD_NUMBER = /^\d{8}\.\d{1,5}$/;

/** How far back a build number is looked for: the newest runs across every pipeline. */
const LOOK_BACK = 200;

/**
 * The runs a build number names. Build numbers count per pipeline, so one number may name a
 * run of several pipelines: the caller asks which (did-you-mean with `#id`) when there are more.
 * @example const [run] = await runsByBuildNumber('20261129.3', deps);
 */
export async function runsByBuildNumber(
  buildNumber: string,
  deps: Pick<CommandDeps, 'devops'>,
  pipelineKey?: string,
): Promise<RunSummary[]> {
  const runs = await deps.devops.listRuns({ pipelineKey, top: LOOK_BACK });
  return runs.filter((r) => r.name === buildNumber);
}
