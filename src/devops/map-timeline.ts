import type { FailedTask, StageResult, StageState, StageSummary } from './devops-port';
import { enumName, isoDate, type TimelineLike, type TimelineRecordLike } from './wire-types';

// TimelineRecordState and TaskResult (note TaskResult.succeeded === 0).
const RECORD_STATE_NUM: Record<number, StageState> = {
  0: 'pending',
  1: 'inProgress',
  2: 'completed',
};
const RECORD_STATE_NAME: Record<string, StageState> = {
  pending: 'pending',
  inprogress: 'inProgress',
  completed: 'completed',
};
const TASK_RESULT_NUM: Record<number, StageResult> = {
  0: 'succeeded',
  1: 'succeeded',
  2: 'failed',
  3: 'canceled',
  4: 'skipped',
  5: 'canceled',
};
const TASK_RESULT_NAME: Record<string, StageResult> = {
  succeeded: 'succeeded',
  succeededwithissues: 'succeeded',
  failed: 'failed',
  canceled: 'canceled',
  skipped: 'skipped',
  abandoned: 'canceled',
};

const APPROVAL = 'checkpoint.approval';

/**
 * The stages of a build timeline, in order. A stage with an approval still in progress is
 * `waiting`; one whose approval failed ended `rejected`.
 * @example toStages(await buildApi.getBuildTimeline(project, runId))
 */
export function toStages(timeline: TimelineLike | null | undefined): StageSummary[] {
  const records = timeline?.records ?? [];
  const byId = new Map(records.map((r) => [r.id, r]));
  const approvalsByStage = new Map<string, TimelineRecordLike[]>();
  for (const r of records) {
    if (r.type?.toLowerCase() !== APPROVAL) continue;
    const stage = ancestorOfType(r, byId, 'stage');
    if (!stage?.id) continue;
    approvalsByStage.set(stage.id, [...(approvalsByStage.get(stage.id) ?? []), r]);
  }
  return records
    .filter((r) => r.type?.toLowerCase() === 'stage')
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .map((r) => {
      const approvals = approvalsByStage.get(r.id ?? '') ?? [];
      let state = recordState(r) ?? 'pending';
      let result = state === 'completed' ? recordResult(r) : undefined;
      const pending = approvals.find((a) => recordState(a) === 'inProgress');
      if (state !== 'completed' && pending) state = 'waiting';
      const rejected = approvals.some(
        (a) => recordState(a) === 'completed' && recordResult(a) === 'failed',
      );
      if (rejected && state === 'completed' && result !== 'canceled') result = 'rejected';
      const stage: StageSummary = {
        id: r.id ?? '',
        name: r.identifier ?? r.refName ?? r.name ?? '',
        displayName: r.name ?? r.identifier ?? '',
        state,
      };
      if (result) stage.result = result;
      // The Checkpoint.Approval record's id is the approval's id in the Approvals API.
      if (state === 'waiting' && pending?.id) stage.approvalId = pending.id;
      const start = isoDate(r.startTime);
      const finish = isoDate(r.finishTime);
      if (start) stage.startTime = start;
      if (finish) stage.finishTime = finish;
      return stage;
    });
}

/** The first failed task that has a log, with its stage's display name. */
export function failedTask(timeline: TimelineLike | null | undefined): FailedTask | undefined {
  const records = timeline?.records ?? [];
  const byId = new Map(records.map((r) => [r.id, r]));
  const failed = records
    .filter(
      (r) =>
        r.type?.toLowerCase() === 'task' &&
        recordResult(r) === 'failed' &&
        typeof r.log?.id === 'number',
    )
    .sort((a, b) => timeOf(a.finishTime) - timeOf(b.finishTime) || (a.order ?? 0) - (b.order ?? 0));
  const first = failed[0];
  if (!first || typeof first.log?.id !== 'number') return undefined;
  const stage = ancestorOfType(first, byId, 'stage');
  const out: FailedTask = {
    task: first.name ?? 'task',
    logId: first.log.id,
  };
  const stageName = stage?.name ?? stage?.identifier ?? undefined;
  if (stageName) out.stage = stageName;
  return out;
}

function recordState(r: TimelineRecordLike): StageState | undefined {
  return enumName(r.state, RECORD_STATE_NUM, RECORD_STATE_NAME);
}

function recordResult(r: TimelineRecordLike): StageResult | undefined {
  return enumName(r.result, TASK_RESULT_NUM, TASK_RESULT_NAME);
}

function ancestorOfType(
  r: TimelineRecordLike,
  byId: Map<string | undefined, TimelineRecordLike>,
  type: string,
): TimelineRecordLike | undefined {
  let cur: TimelineRecordLike | undefined = r;
  // Bounded walk: timelines are shallow (Stage > Phase > Job > Task), a cycle must not hang us.
  for (let i = 0; i < 16 && cur?.parentId; i++) {
    cur = byId.get(cur.parentId);
    if (cur?.type?.toLowerCase() === type) return cur;
  }
  return undefined;
}

function timeOf(d: TimelineRecordLike['finishTime']): number {
  const iso = isoDate(d);
  return iso ? Date.parse(iso) : Number.MAX_SAFE_INTEGER;
}
