import type { ApprovalActionData, CardStyle, RunActionData, TextColor } from './card-data';

/** A run's state as the card shows it (Azure DevOps state and result folded into one). */
export type RunDisplayState =
  | 'queued'
  | 'running'
  | 'waiting'
  | 'canceling'
  | 'succeeded'
  | 'partiallySucceeded'
  | 'failed'
  | 'canceled'
  | 'rejected';

export interface StageRow {
  icon: string;
  name: string;
  /** e.g. 'Succeeded', 'Waiting for approval'. */
  stateText: string;
  /** '' when the stage has not started. */
  duration: string;
  color: TextColor;
}

/**
 * `cards/run-status.json`: the one live card per run. Build it with `runCardData()`.
 * @example renderCard('run-status', runCardData(run, { now: Date.now() }))
 */
export interface RunStatusCardData {
  displayState: RunDisplayState;
  icon: string;
  /** e.g. 'Running', 'Failed'. */
  stateText: string;
  style: CardStyle;
  pipelineName: string;
  /** Catalog key, '' when the pipeline is not in the catalog. */
  pipelineKey: string;
  runName: string;
  runId: number;
  environment: string;
  /** What the environment runs now, e.g. 'v3 · since … · by … · run #121 · …'; '' hides it. */
  live: string;
  modelVersion: string;
  branch: string;
  requestedBy: string;
  startedAt: string;
  /** Time so far, or the total once finished. */
  elapsed: string;
  /** 'Succeeded', 'Failed', ... ; '' while the run is not finished. */
  result: string;
  stages: StageRow[];
  hasStages: boolean;
  showLog: boolean;
  logTitle: string;
  logLines: string[];
  runUrl: string;
  canCancel: boolean;
  canRetry: boolean;
  canApprove: boolean;
  cancelData: RunActionData;
  retryData: RunActionData;
  /** Present when `canApprove`. */
  approveData?: ApprovalActionData;
  rejectData?: ApprovalActionData;
}
