import {
  DevOpsError,
  type ActAs,
  type ApprovalSummary,
  type DevOpsPort,
  type GetRunOptions,
  type LogTail,
  type LogTailOptions,
  type ModelVersion,
  type RunPreview,
  type RunRequest,
  type RunSummary,
} from '../../src/devops/devops-port';
import { knownBuild } from '../../src/devops/known-build';
import { InMemoryAzure } from './in-memory-azure';
import { checkParameters, personOf, timelineOf, toRef, viewOf } from './in-memory-runs';

export type { DevOpsMethod, RunStep } from './in-memory-azure';

/**
 * An honest in-memory Azure DevOps for handler tests: runs, approvals and model versions live
 * in arrays, every call is recorded, and any method can be told to fail once.
 * @example
 *   const devops = new InMemoryDevOps(catalog);            // model versions 1..3 registered
 *   const run = await devops.runPipeline({ pipelineKey: 'prod', parameters: { modelVersion: '3' }, correlationId: 'c1' });
 *   const approval = devops.advance(run.id, 'waiting');    // pending approval on Deploy_Prod
 *   devops.failWith('decideApproval', new DevOpsError('forbidden', 'not an approver'));
 *   expect(devops.calls.map((c) => c.method)).toEqual(['runPipeline']);
 */
export class InMemoryDevOps extends InMemoryAzure implements DevOpsPort {
  // ---- DevOpsPort ----

  async runPipeline(req: RunRequest, actAs?: ActAs): Promise<RunSummary> {
    this.enter('runPipeline', [req, actAs]);
    const spec = this.spec(req.pipelineKey);
    // Like the adapter: a redelivered request may have queued its run already.
    const queued = req.lookFirst
      ? this.runs.find((r) => r.correlationId === req.correlationId && r.pipelineKey === spec.key)
      : undefined;
    if (queued) return viewOf(queued);
    checkParameters(spec, req.parameters);
    const run = this.addRun({
      pipelineKey: spec.key,
      branch: toRef(req.branch ?? spec.defaultBranch),
      parameters: req.parameters,
      requestedBy: req.requestedFor ?? (actAs ? 'user' : 'ChatOps bot'),
      state: 'queued',
    });
    const stored = this.mustRun(run.id);
    stored.correlationId = req.correlationId;
    for (const skip of req.stagesToSkip ?? []) {
      const s = stored.stages.find((x) => x.name === skip);
      if (s) Object.assign(s, { state: 'completed', result: 'skipped' });
    }
    return viewOf(stored);
  }

  async previewRun(req: Omit<RunRequest, 'correlationId'>): Promise<RunPreview> {
    this.enter('previewRun', [req]);
    const spec = this.spec(req.pipelineKey);
    checkParameters(spec, req.parameters);
    const skip = new Set(req.stagesToSkip ?? []);
    const stages = spec.stages.map((s) => s.name).filter((s) => !skip.has(s));
    const params = Object.entries(req.parameters).map(([k, v]) => `  ${k}: '${v}'`);
    const yaml = [
      'parameters:',
      ...(params.length ? params : ['  {}']),
      'stages:',
      ...stages.map((s) => `- stage: ${s}`),
    ].join('\n');
    return { yaml, stages };
  }

  async getRun(runId: number, opts?: GetRunOptions): Promise<RunSummary | null> {
    this.enter('getRun', [runId, opts]);
    const run = this.runs.find((r) => r.id === runId);
    const known = opts?.known;
    if (known) {
      // Like the adapter: the caller's build fields as they are, only the timeline is fresh.
      const out = knownBuild(known, runId);
      if (opts.withStages && run) Object.assign(out, timelineOf(run));
      else if (opts.withStages) out.stages = [];
      return out;
    }
    return run ? viewOf(run, opts?.withStages) : null;
  }

  async listRuns(opts?: {
    pipelineKey?: string;
    top?: number;
    perPipeline?: number;
  }): Promise<RunSummary[]> {
    this.enter('listRuns', [opts]);
    if (opts?.pipelineKey) this.spec(opts.pipelineKey);
    const perPipeline = new Map<string, number>();
    const out: RunSummary[] = [];
    for (const run of [...this.runs].reverse()) {
      if (opts?.pipelineKey && run.pipelineKey !== opts.pipelineKey) continue;
      const seen = perPipeline.get(run.pipelineKey ?? '') ?? 0;
      if (opts?.perPipeline !== undefined && seen >= opts.perPipeline) continue;
      perPipeline.set(run.pipelineKey ?? '', seen + 1);
      out.push(viewOf(run));
      if (opts?.top !== undefined && out.length >= opts.top) break;
    }
    return out;
  }

  async getRuns(runIds: number[]): Promise<RunSummary[]> {
    this.enter('getRuns', [runIds]);
    return runIds.flatMap((id) => {
      const run = this.runs.find((r) => r.id === id);
      return run ? [viewOf(run)] : [];
    });
  }

  async pendingApprovals(filter?: {
    runId?: number;
    environment?: string;
  }): Promise<ApprovalSummary[]> {
    this.enter('pendingApprovals', [filter]);
    const envKey =
      filter?.environment === undefined
        ? undefined
        : (this.index.environment(filter.environment)?.key ?? '\u0000none');
    return this.allApprovals().filter(
      (a) =>
        a.status === 'pending' &&
        (filter?.runId === undefined || a.runId === filter.runId) &&
        (envKey === undefined || a.environment === envKey),
    );
  }

  async getApproval(approvalId: string): Promise<ApprovalSummary | null> {
    this.enter('getApproval', [approvalId]);
    const a = this.approvals.find((x) => x.id === approvalId);
    return a ? { ...a, approvers: [...a.approvers] } : null;
  }

  async decideApproval(
    approvalId: string,
    decision: 'approved' | 'rejected',
    comment: string,
    actAs?: ActAs,
  ): Promise<ApprovalSummary> {
    this.enter('decideApproval', [approvalId, decision, comment, actAs]);
    const a = this.approvals.find((x) => x.id === approvalId);
    if (!a) throw new DevOpsError('notFound', `approval ${approvalId} was not found`);
    if (a.status !== 'pending') {
      throw new DevOpsError('conflict', `approval ${approvalId} is already ${a.status}`);
    }
    const by = actAs ? personOf(actAs) : 'ChatOps bot';
    const assigned = a.approvers.some((p) =>
      [p.id, p.displayName].some((x) => x.toLowerCase() === by),
    );
    if (actAs ? !assigned : this.opts.serviceIdentityIsApprover === false) {
      // Azure DevOps answers 403 (ApprovalUnauthorizedException), as the emulator does.
      throw new DevOpsError(
        'forbidden',
        `${by} is not an approver of approval ${approvalId} and cannot approve or reject it.`,
      );
    }
    Object.assign(a, {
      status: decision,
      decidedBy: actAs ? by : 'ChatOps bot',
      decidedOn: this.now(),
      comment,
    });
    const run = this.runs.find((r) => r.id === a.runId);
    const stage = run?.stages.find((s) => s.name === a.stageName);
    if (run && decision === 'approved') {
      run.state = 'inProgress';
      if (stage) stage.state = 'inProgress';
    } else if (run) {
      this.complete(run, 'failed');
      if (stage) stage.result = 'rejected';
    }
    return { ...a, approvers: [...a.approvers] };
  }

  async cancelRun(runId: number): Promise<RunSummary> {
    this.enter('cancelRun', [runId]);
    const run = this.runs.find((r) => r.id === runId);
    if (!run) throw new DevOpsError('notFound', `run ${runId} was not found`);
    if (run.state === 'completed') {
      throw new DevOpsError('conflict', `run ${runId} has already completed`);
    }
    const answer = { ...viewOf(run), state: 'canceling' as const };
    // Azure DevOps answers "canceling" and finishes shortly after; we finish at once.
    this.complete(run, 'canceled');
    return answer;
  }

  async failingLogTail(runId: number, opts?: LogTailOptions): Promise<LogTail | null> {
    this.enter('failingLogTail', [runId, opts]);
    const maxLines = opts?.maxLines ?? 20;
    const tail = this.runs.find((r) => r.id === runId)?.logTail;
    return tail ? { ...tail, lines: tail.lines.slice(-Math.max(1, maxLines)) } : null;
  }

  async modelVersions(): Promise<ModelVersion[]> {
    this.enter('modelVersions', []);
    const models = this.catalog.models;
    if (!models) return [];
    const out: ModelVersion[] = [];
    const seen = new Set<string>();
    for (const run of [...this.runs].reverse()) {
      if (run.pipelineKey !== models.pipeline || run.result !== 'succeeded') continue;
      for (const tag of run.tags) {
        const version = tag.startsWith(models.tagPrefix) ? tag.slice(models.tagPrefix.length) : '';
        if (!version || seen.has(version)) continue;
        seen.add(version);
        out.push({ version, runId: run.id, createdDate: run.finishedDate ?? run.createdDate });
      }
    }
    return out;
  }
}
