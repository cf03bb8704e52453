import type { RunSummary } from './devops-port';

/**
 * The build part of a run a caller already read (`getRun(id, { known })`): its own copy, without
 * what a timeline added (stages, failed task), so a fresh timeline can be laid over it.
 * Throws when `known` is another run: a caller mixing up ids must not get a wrong card.
 * @example const summary = knownBuild(opts.known, runId); summary.stages = toStages(timeline);
 */
export function knownBuild(known: RunSummary, runId: number): RunSummary {
  if (known.id !== runId) throw new Error(`getRun(${runId}) was given run ${known.id} as known`);
  const { stages: _s, failedTask: _f, ...build } = known;
  return { ...build, parameters: { ...build.parameters }, tags: [...build.tags] };
}
