import type {
  ActAs,
  ApprovalSummary,
  DevOpsPort,
  GetRunOptions,
  LogTail,
  LogTailOptions,
  ModelVersion,
  RunPreview,
  RunRequest,
  RunSummary,
} from './devops-port';

/**
 * A `DevOpsPort` that passes every call to `inner`: the base of the decorators that change a
 * few calls (masking free text, caching model versions) and let the rest straight through.
 * @example class MaskingDevOps extends ForwardingDevOps { override decideApproval(…) { … } }
 */
export class ForwardingDevOps implements DevOpsPort {
  constructor(protected readonly inner: DevOpsPort) {}

  runPipeline(req: RunRequest, actAs?: ActAs): Promise<RunSummary> {
    return this.inner.runPipeline(req, actAs);
  }
  previewRun(req: Omit<RunRequest, 'correlationId'>): Promise<RunPreview> {
    return this.inner.previewRun(req);
  }
  getRun(runId: number, opts?: GetRunOptions): Promise<RunSummary | null> {
    return this.inner.getRun(runId, opts);
  }
  listRuns(opts?: {
    pipelineKey?: string;
    top?: number;
    perPipeline?: number;
  }): Promise<RunSummary[]> {
    return this.inner.listRuns(opts);
  }
  getRuns(runIds: number[]): Promise<RunSummary[]> {
    return this.inner.getRuns(runIds);
  }
  pendingApprovals(filter?: { runId?: number; environment?: string }): Promise<ApprovalSummary[]> {
    return this.inner.pendingApprovals(filter);
  }
  getApproval(approvalId: string): Promise<ApprovalSummary | null> {
    return this.inner.getApproval(approvalId);
  }
  decideApproval(
    approvalId: string,
    decision: 'approved' | 'rejected',
    comment: string,
    actAs?: ActAs,
  ): Promise<ApprovalSummary> {
    return this.inner.decideApproval(approvalId, decision, comment, actAs);
  }
  cancelRun(runId: number): Promise<RunSummary> {
    return this.inner.cancelRun(runId);
  }
  failingLogTail(runId: number, opts?: LogTailOptions): Promise<LogTail | null> {
    return this.inner.failingLogTail(runId, opts);
  }
  modelVersions(opts?: { mustInclude?: string }): Promise<ModelVersion[]> {
    return this.inner.modelVersions(opts);
  }
}
