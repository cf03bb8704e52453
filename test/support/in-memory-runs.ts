import type { PipelineSpec } from '../../src/catalog/catalog-schema';
import {
  DevOpsError,
  type ActAs,
  type FailedTask,
  type LogTail,
  type RunResult,
  type RunSummary,
  type StageSummary,
} from '../../src/devops/devops-port';

/** A run as the fake keeps it: what the port shows, plus its stages, request id and log. */
export interface StoredRun extends RunSummary {
  stages: StageSummary[];
  correlationId?: string;
  logTail?: LogTail;
}

/** Mirrors what Azure DevOps checks: known parameter names, allowed values and patterns. */
export function checkParameters(spec: PipelineSpec, params: Record<string, string>): void {
  for (const [name, value] of Object.entries(params)) {
    const p = spec.parameters.find((x) => x.name === name);
    if (!p) {
      throw new DevOpsError('invalidParameter', `Unexpected parameter '${name}'`);
    }
    const badValue =
      (p.values && !p.values.includes(value)) ||
      (p.pattern !== undefined && !new RegExp(p.pattern).test(value));
    if (badValue) {
      throw new DevOpsError(
        'invalidParameter',
        `The value '${value}' for parameter '${name}' is not a valid value.`,
      );
    }
  }
}

export function freshStages(spec: PipelineSpec): StageSummary[] {
  return spec.stages.map((s, i) => ({
    id: `stage-${spec.key}-${i + 1}`,
    name: s.name,
    displayName: s.displayName ?? s.name,
    state: 'pending',
  }));
}

/** Closes open stages: the first unfinished one takes the run's result, later ones skip. */
export function finishStages(run: StoredRun, result: RunResult): void {
  let first = true;
  for (const s of run.stages) {
    if (s.state === 'completed') continue;
    s.state = 'completed';
    if (result === 'succeeded' || result === 'partiallySucceeded') s.result = 'succeeded';
    else s.result = first ? (result === 'failed' ? 'failed' : 'canceled') : 'skipped';
    first = false;
  }
}

export function viewOf(run: StoredRun, withStages = false): RunSummary {
  const { stages: _s, correlationId: _c, logTail: _l, ...rest } = run;
  const out: RunSummary = { ...rest, parameters: { ...rest.parameters }, tags: [...rest.tags] };
  if (withStages) Object.assign(out, timelineOf(run));
  return out;
}

/** What the adapter reads from a timeline: stages (a waiting one names its approval) and the failed task. */
export function timelineOf(run: StoredRun): Pick<RunSummary, 'stages' | 'failedTask'> {
  const stages = run.stages.map((s) => {
    const copy = { ...s };
    if (copy.state !== 'waiting') delete copy.approvalId;
    return copy;
  });
  const tail = run.logTail;
  if (!tail) return { stages };
  const failedTask: FailedTask = { task: tail.task, logId: run.id * 100 + 1 };
  if (tail.stage !== undefined) failedTask.stage = tail.stage;
  return { stages, failedTask };
}

/**
 * Who a person's token names (its `upn`, lower-case), read the way the emulator reads it: the
 * payload of an unsigned JWT. A token we cannot read names nobody.
 */
export function personOf(actAs: ActAs): string {
  try {
    const payload = JSON.parse(
      Buffer.from(actAs.bearerToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as { upn?: unknown; unique_name?: unknown };
    const upn = payload.upn ?? payload.unique_name;
    return typeof upn === 'string' ? upn.toLowerCase() : 'an unknown identity';
  } catch {
    return 'an unknown identity';
  }
}

export function toRef(branch: string): string {
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
}
