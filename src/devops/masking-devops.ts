import { maskSecrets } from '../text/mask-secrets';
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
 * Masks the free text the bot sends to Azure DevOps — approval comments (typed, or from a card's
 * comment box) and the requester's display name — as everything else that leaves the bot is
 * masked: a PAT or connection string someone pasted must not end up in Azure DevOps' approval
 * history, where everyone with read access sees it. Template parameters are not free text (the
 * catalog validates them) and pass unchanged. Everything else passes straight through.
 * @example const devops = new CachedDevOps(new MaskingDevOps(adapter, config.secrets), clock);
 */
export class MaskingDevOps implements DevOpsPort {
  constructor(
    private readonly inner: DevOpsPort,
    private readonly secrets: readonly string[],
  ) {}

  decideApproval(
    approvalId: string,
    decision: 'approved' | 'rejected',
    comment: string,
    actAs?: ActAs,
  ): Promise<ApprovalSummary> {
    return this.inner.decideApproval(
      approvalId,
      decision,
      maskSecrets(comment, this.secrets),
      actAs,
    );
  }
  runPipeline(req: RunRequest, actAs?: ActAs): Promise<RunSummary> {
    const requestedFor =
      req.requestedFor === undefined ? undefined : maskSecrets(req.requestedFor, this.secrets);
    return this.inner.runPipeline({ ...req, requestedFor }, actAs);
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
