import type { LogTail, RunSummary, StageSummary } from '../devops/devops-port';
import type {
  CardStyle,
  RunDisplayState,
  RunStatusCardData,
  StageRow,
  TextColor,
} from './card-data';
import { formatDuration, formatRunning, formatTimestamp, shortBranch, stateIcon } from './format';

/** What the run card needs beyond the run itself. */
export interface RunCardExtra {
  /** Environment display name, e.g. 'Production'. */
  environment?: string;
  /** Who asked in chat; defaults to the run's `requestedBy`. */
  requestedBy?: string;
  /** Who canceled it from chat (Azure DevOps does not say); shown once it is canceling. */
  canceledBy?: string;
  /** Who rejected its approval and why (`getRunDecision`); shown once it ended rejected. */
  rejected?: { by: string; reason: string };
  /** The failing task's last lines, shown when the run failed. */
  logTail?: LogTail | null;
  /** Set while the run waits on this approval: shows Approve/Reject. */
  pendingApprovalId?: string;
  /** Epoch ms; elapsed times are measured against it. */
  now: number;
  /** Link to the run; defaults to `run.url`. */
  webUrl?: string;
  /** Model version shown; defaults to the run's parameter named `modelParameter`. */
  modelVersion?: string;
  /** The catalog's model parameter (`catalogIndex(catalog).modelParameter`); default `modelVersion`. */
  modelParameter?: string;
  /** The run a retry of this one queued: the card says "retried as #N" and offers no Retry. */
  retriedAs?: number;
  /** What the run's environment runs now (`liveDeploymentText`); '' (default) hides it. */
  live?: string;
  /** Signatures the server adds to each button's data, by button. */
  tokens?: { cancel?: string; retry?: string; approve?: string; reject?: string };
}

const MAX_LOG_LINES = 20;
/** Long log lines wrap anyway; this keeps one runaway line from filling the card. */
const MAX_LOG_LINE_CHARS = 300;

/** How each run state reads on a card. */
export const STATE_TEXT: Record<RunDisplayState, string> = {
  queued: 'Queued',
  running: 'Running',
  waiting: 'Waiting for approval',
  canceling: 'Canceling',
  succeeded: 'Succeeded',
  partiallySucceeded: 'Partially succeeded',
  failed: 'Failed',
  canceled: 'Canceled',
  rejected: 'Rejected',
};

const STATE_STYLE: Record<RunDisplayState, CardStyle> = {
  queued: 'emphasis',
  running: 'accent',
  waiting: 'warning',
  canceling: 'warning',
  succeeded: 'good',
  partiallySucceeded: 'warning',
  failed: 'attention',
  canceled: 'emphasis',
  rejected: 'attention',
};

const STATE_ICON: Record<RunDisplayState, string> = {
  queued: stateIcon('queued'),
  running: stateIcon('inProgress'),
  waiting: stateIcon('waiting'),
  canceling: stateIcon('canceling'),
  succeeded: stateIcon('completed', 'succeeded'),
  partiallySucceeded: stateIcon('completed', 'partiallySucceeded'),
  failed: stateIcon('completed', 'failed'),
  canceled: stateIcon('completed', 'canceled'),
  rejected: stateIcon('completed', 'rejected'),
};

/**
 * Folds Azure DevOps' state + result (+ stage states) into the one state the card shows. A run
 * whose approval was rejected ends `failed` in Azure DevOps; the card says `rejected`, which is
 * what happened.
 * @example runDisplayState({ ...run, state: 'inProgress', stages: [{ ...s, state: 'waiting' }] }) // 'waiting'
 */
export function runDisplayState(run: RunSummary, pendingApprovalId?: string): RunDisplayState {
  const stages = run.stages ?? [];
  switch (run.state) {
    case 'queued':
      return 'queued';
    case 'canceling':
      return 'canceling';
    case 'inProgress':
      return pendingApprovalId || stages.some((s) => s.state === 'waiting') ? 'waiting' : 'running';
    case 'completed':
      if (stages.some((s) => s.result === 'rejected')) return 'rejected';
      return run.result ?? 'succeeded';
  }
}

/** "Canceled by Alex Wilber" (or, until Azure DevOps confirms, "Cancel requested by …"). */
function canceledText(state: RunDisplayState, by: string | undefined): string | undefined {
  if (!by) return undefined;
  if (state === 'canceled') return `Canceled by ${by}`;
  if (state === 'canceling') return `Cancel requested by ${by}`;
  return undefined;
}

/** "Rejected by Rita Release: metrics regressed": who and why, on the card of every chat. */
function rejectedText(
  state: RunDisplayState,
  rejected: RunCardExtra['rejected'],
): string | undefined {
  if (state !== 'rejected' || !rejected?.by) return undefined;
  return `Rejected by ${rejected.by}${rejected.reason ? `: ${rejected.reason}` : ''}`;
}

function stageStateText(stage: StageSummary): string {
  if (stage.result) {
    return stage.result.charAt(0).toUpperCase() + stage.result.slice(1);
  }
  switch (stage.state) {
    case 'pending':
      return 'Pending';
    case 'inProgress':
      return 'Running';
    case 'waiting':
      return 'Waiting for approval';
    case 'completed':
      return 'Completed';
  }
}

function stageColor(stage: StageSummary): TextColor {
  switch (stage.result) {
    case 'succeeded':
      return 'good';
    case 'failed':
    case 'rejected':
      return 'attention';
    case 'canceled':
    case 'skipped':
      return 'default';
    default:
      return stage.state === 'waiting'
        ? 'warning'
        : stage.state === 'inProgress'
          ? 'accent'
          : 'default';
  }
}

function elapsedMs(
  start: string | undefined,
  finish: string | undefined,
  now: number,
): number | null {
  if (!start) return null;
  const from = Date.parse(start);
  const to = finish ? Date.parse(finish) : now;
  return Number.isNaN(from) || Number.isNaN(to) ? null : to - from;
}

/** A stage row; exported for cards that list stages elsewhere (e.g. notifications). */
export function stageRow(stage: StageSummary, now: number): StageRow {
  const ms = elapsedMs(stage.startTime, stage.finishTime, now);
  return {
    icon: stateIcon(stage.state, stage.result),
    name: stage.displayName || stage.name,
    stateText: stageStateText(stage),
    duration: ms === null ? '' : formatDuration(ms),
    color: stageColor(stage),
  };
}

function withToken<T extends object>(data: T, token: string | undefined): T & { token?: string } {
  return token === undefined ? data : { ...data, token };
}

/** The schema's default name of the model parameter, for callers that pass none. */
const DEFAULT_MODEL_PARAMETER = 'modelVersion';

function modelVersionText(version: string | undefined): string {
  if (!version) return '';
  return /^\d/.test(version) ? `v${version}` : version;
}

/**
 * Builds the live run card's data from a run (ideally fetched `withStages`).
 * @example
 *   const run = await devops.getRun(42, { withStages: true });
 *   const card = renderCard('run-status', runCardData(run, { environment: 'Production', now: clock.now() }));
 */
export function runCardData(run: RunSummary, extra: RunCardExtra): RunStatusCardData {
  const displayState = runDisplayState(run, extra.pendingApprovalId);
  const finished = run.state === 'completed';
  const elapsed = elapsedMs(run.createdDate, finished ? run.finishedDate : undefined, extra.now);
  const stages = (run.stages ?? []).map((s) => stageRow(s, extra.now));
  const tail = displayState === 'failed' || displayState === 'rejected' ? extra.logTail : null;
  const logLines = (tail?.lines ?? [])
    .slice(-MAX_LOG_LINES)
    .map((l) => (l.length > MAX_LOG_LINE_CHARS ? `${l.slice(0, MAX_LOG_LINE_CHARS)}…` : l));
  const canApprove = displayState === 'waiting' && Boolean(extra.pendingApprovalId);
  const tokens = extra.tokens ?? {};
  const retried = finished ? extra.retriedAs : undefined;

  const data: RunStatusCardData = {
    displayState,
    icon: STATE_ICON[displayState],
    stateText: STATE_TEXT[displayState],
    style: STATE_STYLE[displayState],
    pipelineName: run.pipelineName,
    pipelineKey: run.pipelineKey ?? '',
    live: extra.live ?? '',
    runName: run.name,
    runId: run.id,
    environment: extra.environment ?? '',
    modelVersion: modelVersionText(
      extra.modelVersion ?? run.parameters[extra.modelParameter ?? DEFAULT_MODEL_PARAMETER],
    ),
    branch: shortBranch(run.branch),
    requestedBy: extra.requestedBy ?? run.requestedBy ?? '',
    startedAt: formatTimestamp(run.createdDate),
    // A finished run's duration is final; a live one's is anchored to when the card was written.
    elapsed:
      elapsed === null
        ? ''
        : finished
          ? formatDuration(elapsed)
          : formatRunning(elapsed, extra.now),
    result:
      canceledText(displayState, extra.canceledBy) ??
      (finished
        ? `${rejectedText(displayState, extra.rejected) ?? STATE_TEXT[displayState]}${retried ? ` · retried as #${retried}` : ''}`
        : ''),
    stages,
    hasStages: stages.length > 0,
    showLog: logLines.length > 0,
    logTitle: tail ? `Failed task: ${tail.task}${tail.stage ? ` (stage ${tail.stage})` : ''}` : '',
    logLines,
    runUrl: extra.webUrl ?? run.url,
    // Queued runs can be cancelled too, and so can a run parked on an approval.
    canCancel:
      displayState === 'queued' || displayState === 'running' || displayState === 'waiting',
    // Retried once: the button is gone, the result line names the retry.
    canRetry: displayState === 'failed' && !retried,
    canApprove,
    cancelData: withToken({ runId: run.id }, tokens.cancel),
    retryData: withToken({ runId: run.id }, tokens.retry),
  };
  if (canApprove && extra.pendingApprovalId) {
    data.approveData = withToken(
      { approvalId: extra.pendingApprovalId, runId: run.id },
      tokens.approve,
    );
    data.rejectData = withToken(
      { approvalId: extra.pendingApprovalId, runId: run.id },
      tokens.reject,
    );
  }
  return data;
}
