import type { Clock } from '../clock/clock';
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
 * Keeps the registered model versions for a short while, so a deploy costs one Azure DevOps
 * request (the run) instead of two. Versions only change when a training run registers one,
 * so the cache is dropped when the bot hears a run completed (`invalidateModels`), and a version
 * asked for by name that the cache lacks triggers one fresh look before it is refused.
 * Everything else passes straight through.
 * @example const devops = new CachedDevOps(adapter, clock, 60_000);
 */
export class CachedDevOps implements DevOpsPort {
  private cached?: { at: number; versions: ModelVersion[] };
  private inflight?: Promise<ModelVersion[]>;

  constructor(
    private readonly inner: DevOpsPort,
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
  ) {}

  async modelVersions(opts?: { mustInclude?: string }): Promise<ModelVersion[]> {
    const c = this.cached;
    const live = c && this.clock.now() - c.at < this.ttlMs;
    if (live && !(opts?.mustInclude && !c.versions.some((v) => v.version === opts.mustInclude)))
      return c.versions;
    this.inflight ??= this.inner
      .modelVersions()
      .then((versions) => {
        this.cached = { at: this.clock.now(), versions };
        return versions;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  invalidateModels(): void {
    this.cached = undefined;
  }

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
}
