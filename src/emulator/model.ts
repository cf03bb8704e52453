/**
 * The emulator's in-memory state. One store, projected through the Build API, the Pipelines API,
 * the Approvals API and the service-hook payloads (a run *is* a build, a pipeline *is* a definition).
 */
import type { PipelineSpec } from '../catalog/catalog-schema';
import type { PipelineYaml } from './load-pipeline-yaml';

/** An Azure DevOps identity as IdentityRef fields. */
export interface Identity {
  id: string;
  displayName: string;
  uniqueName: string;
}

/**
 * A pipeline (build definition): the catalog names it and points at its YAML; parameters and
 * stages come from that YAML when it exists (what the service runs), else from the catalog.
 */
export interface Definition {
  id: number;
  key: string;
  name: string;
  revision: number;
  spec: PipelineSpec;
  repositoryId: string;
  /** The loaded YAML; undefined for a catalog whose pipelines have no file here. */
  yaml?: PipelineYaml;
}

/** Timeline record state and TaskResult names, as the Build API writes them. */
export type RecordState = 'pending' | 'inProgress' | 'completed';
export type TaskResultName = 'succeeded' | 'failed' | 'canceled' | 'skipped';

export interface LogLine {
  at: number;
  text: string;
}

export interface EmulatedLog {
  id: number;
  lines: LogLine[];
  createdOn: number;
  lastChangedOn: number;
}

export interface EmulatedTask {
  id: string;
  name: string;
  state: RecordState;
  result?: TaskResultName;
  startTime?: number;
  finishTime?: number;
  logId?: number;
  errorMessage?: string;
}

export interface EmulatedStage {
  id: string;
  phaseId: string;
  jobId: string;
  /** YAML identifier, e.g. `Deploy_Prod`. */
  name: string;
  displayName: string;
  environment?: string;
  order: number;
  state: RecordState;
  result?: TaskResultName;
  /** Waiting on an approval: the webhook vocabulary calls this `waiting`. */
  waiting: boolean;
  /** Webhook-only outcome: a rejected approval fails the stage as `rejected`. */
  rejected: boolean;
  startTime?: number;
  finishTime?: number;
  tasks: EmulatedTask[];
  checkpoint?: {
    id: string;
    state: RecordState;
    result?: TaskResultName;
    startTime: number;
    finishTime?: number;
  };
  approvalId?: string;
}

export type BuildStatusName = 'notStarted' | 'inProgress' | 'cancelling' | 'completed';
export type BuildResultName = 'succeeded' | 'failed' | 'canceled';

export interface EmulatedRun {
  id: number;
  definitionId: number;
  pipelineKey: string;
  buildNumber: string;
  status: BuildStatusName;
  result?: BuildResultName;
  queueTime: number;
  startTime?: number;
  finishTime?: number;
  lastChangedDate: number;
  templateParameters: Record<string, string>;
  variables: Record<string, { value: string; isSecret?: boolean }>;
  sourceBranch: string;
  sourceVersion: string;
  requestedBy: Identity;
  reason: 'manual' | 'individualCI' | 'schedule';
  tags: string[];
  stages: EmulatedStage[];
  timelineId: string;
  planId: string;
  changeId: number;
  logs: Map<number, EmulatedLog>;
}

export type ApprovalStatusName = 'pending' | 'approved' | 'rejected' | 'canceled';

export interface ApprovalStep {
  assignedApprover: Identity;
  status: ApprovalStatusName;
  actualApprover?: Identity;
  comment?: string;
  initiatedOn: number;
  lastModifiedOn?: number;
  order: number;
}

export interface EmulatedApproval {
  id: string;
  runId: number;
  stageName: string;
  environment: string;
  status: ApprovalStatusName;
  createdOn: number;
  lastModifiedOn: number;
  instructions: string;
  minRequiredApprovers: number;
  blockedApprovers: Identity[];
  steps: ApprovalStep[];
}
