/**
 * What the bot's handlers need from Azure DevOps, and nothing more. The production adapter
 * (`AdoDevOps`) speaks to a real organization (or the emulator) through azure-devops-node-api;
 * `InMemoryDevOps` doubles as the test fake.
 */

import { CodedError } from '../errors/coded-error';

export type RunState = 'queued' | 'inProgress' | 'canceling' | 'completed';
export type RunResult = 'succeeded' | 'partiallySucceeded' | 'failed' | 'canceled';
/** Stage state as the bot shows it; `waiting` = blocked on an approval/check. */
export type StageState = 'pending' | 'inProgress' | 'waiting' | 'completed';
export type StageResult = 'succeeded' | 'failed' | 'canceled' | 'skipped' | 'rejected';

export interface StageSummary {
  id: string;
  /** YAML identifier, e.g. `Deploy_Prod`. */
  name: string;
  displayName: string;
  state: StageState;
  result?: StageResult;
  startTime?: string;
  finishTime?: string;
  /**
   * While the stage waits: the pending approval's id (the timeline's `Checkpoint.Approval`
   * record id is the Approvals API id), so a card gets Approve/Reject without asking for it.
   */
  approvalId?: string;
}

/** The first failed task a timeline names, and its log (what `failingLogTail` reads). */
export interface FailedTask {
  /** e.g. `Deploy endpoint`. */
  task: string;
  /** Stage display name. */
  stage?: string;
  logId: number;
}

export interface RunSummary {
  /** Build id == pipeline run id. */
  id: number;
  /** Build number, e.g. `20261126.3`. */
  name: string;
  /** Catalog key, when the pipeline is in the catalog. */
  pipelineKey?: string;
  pipelineId: number;
  pipelineName: string;
  state: RunState;
  result?: RunResult;
  /** Full ref, e.g. `refs/heads/develop`. */
  branch: string;
  /** Template parameters the run was queued with (as strings). */
  parameters: Record<string, string>;
  tags: string[];
  requestedBy?: string;
  /** Who Azure DevOps says the run is for (the Build API's `requestedFor`): UPN or object id. */
  requestedFor?: { id?: string; uniqueName?: string; displayName?: string };
  createdDate: string;
  finishedDate?: string;
  /** Web link to the run in Azure DevOps. */
  url: string;
  /** Present when the caller asked for stages (one timeline call). */
  stages?: StageSummary[];
  /**
   * With `stages`, when a task failed: the failed task from the same timeline. A run read with
   * stages and without it has no failed task with a log.
   */
  failedTask?: FailedTask;
}

export type ApprovalStatus =
  'pending' | 'approved' | 'rejected' | 'canceled' | 'timedOut' | 'skipped' | 'failed';

export interface ApprovalSummary {
  /** Approval id (== the timeline's Checkpoint.Approval record id). */
  id: string;
  runId: number;
  pipelineId: number;
  pipelineKey?: string;
  pipelineName: string;
  status: ApprovalStatus;
  instructions: string;
  createdOn: string;
  /** Assigned approvers (ids and display names as Azure DevOps knows them). */
  approvers: { id: string; displayName: string }[];
  /** After a decision: who, when, and their comment. */
  decidedBy?: string;
  decidedOn?: string;
  comment?: string;
  stageName?: string;
  environment?: string;
}

export interface RunRequest {
  pipelineKey: string;
  /** Branch name or full ref; the catalog's default branch when omitted. */
  branch?: string;
  /** Template parameters, already validated against the catalog. */
  parameters: Record<string, string>;
  /**
   * Makes queuing idempotent: the adapter sends it as the `chatopsCorrelationId` variable and,
   * after an ambiguous failure, looks for a run carrying it before queuing again.
   */
  correlationId: string;
  /** It may have been queued already (a redelivered message after a crash): look first. */
  lookFirst?: boolean;
  stagesToSkip?: string[];
  /** Who asked, for display; Azure DevOps records the identity that called. */
  requestedFor?: string;
}

export interface RunPreview {
  /** The expanded YAML Azure DevOps would run. */
  yaml: string;
  /** Stage names, in order, that would run. */
  stages: string[];
}

export interface ModelVersion {
  version: string;
  runId: number;
  createdDate: string;
}

export interface LogTail {
  /** Task that failed, e.g. `Deploy endpoint`. */
  task: string;
  stage?: string;
  lines: string[];
}

/** Optional per-call identity: the user's own Azure DevOps token (on-behalf-of). */
export interface ActAs {
  bearerToken: string;
}

export type DevOpsErrorCode =
  | 'notFound'
  | 'forbidden'
  | 'unauthorized'
  | 'invalidParameter'
  | 'conflict'
  | 'throttled'
  | 'unavailable';

/**
 * A failure a handler can explain; `message` is safe to show (no secrets).
 * @example throw new DevOpsError('throttled', 'Azure DevOps is throttling requests', 30);
 */
export class DevOpsError extends CodedError<DevOpsErrorCode> {
  constructor(
    code: DevOpsErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export interface GetRunOptions {
  withStages?: boolean;
  /** The same run (same id) as just read; its build fields are used as they are. */
  known?: RunSummary;
}

export interface LogTailOptions {
  maxLines?: number;
  /** From a timeline already read (`RunSummary.failedTask`): skips reading it again. */
  failedTask?: FailedTask;
}

/**
 * @example
 *   const run = await devops.runPipeline({ pipelineKey: 'custom-qa', parameters: { modelVersion: '3' }, correlationId });
 *   const [latest] = await devops.listRuns({ pipelineKey: 'prod', top: 1 });
 *   const card = await devops.getRun(latest.id, { withStages: true, known: latest }); // timeline only
 */
export interface DevOpsPort {
  runPipeline(req: RunRequest, actAs?: ActAs): Promise<RunSummary>;
  previewRun(req: Omit<RunRequest, 'correlationId'>): Promise<RunPreview>;
  /**
   * null when there is no such run. `withStages` adds one timeline call (stages, the waiting
   * approval's id, the failed task). `known` is this run as just read (a `listRuns` row, the
   * `cancelRun` answer): the build is not read again, so with `withStages` the timeline is the
   * only call, and without it there is none.
   */
  getRun(runId: number, opts?: GetRunOptions): Promise<RunSummary | null>;
  /** Newest first. `pipelineKey` omitted = all catalog pipelines. One Build API call. */
  listRuns(opts?: {
    pipelineKey?: string;
    top?: number;
    perPipeline?: number;
  }): Promise<RunSummary[]>;
  /** Several runs by id in one Build API call (polling). */
  getRuns(runIds: number[]): Promise<RunSummary[]>;
  /** Pending approvals, optionally for one run or one catalog environment. */
  pendingApprovals(filter?: { runId?: number; environment?: string }): Promise<ApprovalSummary[]>;
  getApproval(approvalId: string): Promise<ApprovalSummary | null>;
  decideApproval(
    approvalId: string,
    decision: 'approved' | 'rejected',
    comment: string,
    actAs?: ActAs,
  ): Promise<ApprovalSummary>;
  cancelRun(runId: number): Promise<RunSummary>;
  /**
   * The failing task's last lines (default 20), or null when nothing failed. Given the
   * `failedTask` of a run read with stages, only the log is read (one call instead of two).
   */
  failingLogTail(runId: number, opts?: LogTailOptions): Promise<LogTail | null>;
  /**
   * Registered model versions, newest first. `mustInclude` tells a caching layer that a version
   * missing from what it holds is worth one fresh look.
   */
  modelVersions(opts?: { mustInclude?: string }): Promise<ModelVersion[]>;
}
