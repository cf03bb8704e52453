import type { Catalog, PipelineSpec } from '../../src/catalog/catalog-schema';
import { catalogIndex, type CatalogIndex } from '../../src/catalog/catalog-index';
import { systemClock, type Clock } from '../../src/clock/clock';
import {
  DevOpsError,
  type ApprovalSummary,
  type DevOpsPort,
  type LogTail,
  type ModelVersion,
  type RunResult,
  type RunSummary,
} from '../../src/devops/devops-port';
import { finishStages, freshStages, viewOf, type StoredRun } from './in-memory-runs';

export type DevOpsMethod = keyof DevOpsPort;

/** Where `advance` can move a run. */
export type RunStep = 'inProgress' | 'waiting' | 'succeeded' | 'failed' | 'canceled';

/**
 * The Azure DevOps organization behind `InMemoryDevOps`: its runs, approvals and model versions,
 * the controls tests move them with, and the bookkeeping the port methods share.
 */
export abstract class InMemoryAzure {
  /** Every port call, in order, with its arguments. */
  readonly calls: { method: DevOpsMethod; args: unknown[] }[] = [];
  protected readonly runs: StoredRun[] = [];
  protected readonly approvals: ApprovalSummary[] = [];
  protected readonly failures = new Map<DevOpsMethod, DevOpsError[]>();
  protected nextRunId = 1;
  protected nextApprovalId = 1;
  protected readonly index: CatalogIndex;

  constructor(
    protected readonly catalog: Catalog,
    protected readonly opts: {
      clock?: Clock;
      modelVersions?: number;
      /**
       * The bot's own identity may decide any approval (default true, as the emulator in local
       * mode). False: like Azure DevOps, only an assigned approver's own token decides.
       */
      serviceIdentityIsApprover?: boolean;
    } = {},
  ) {
    this.index = catalogIndex(catalog);
    for (let v = 1; v <= (opts.modelVersions ?? 3); v++) this.addModelVersion(String(v));
  }

  // ---- test controls ----

  /** The next call of `method` throws `error` (queue several by calling again). */
  failWith(method: DevOpsMethod, error: DevOpsError): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
  }

  /** Adds a run as if Azure DevOps already had it. Unset fields get plausible values. */
  addRun(partial: Partial<RunSummary> & { pipelineKey: string }): RunSummary {
    const spec = this.spec(partial.pipelineKey);
    const id = partial.id ?? this.nextRunId;
    this.nextRunId = Math.max(this.nextRunId, id + 1);
    const state = partial.state ?? (partial.result ? 'completed' : 'queued');
    const run: StoredRun = {
      id,
      name: partial.name ?? `20260101.${id}`,
      pipelineKey: spec.key,
      pipelineId: partial.pipelineId ?? this.pipelineIdOf(spec),
      pipelineName: partial.pipelineName ?? spec.name,
      state,
      branch: partial.branch ?? `refs/heads/${spec.defaultBranch}`,
      parameters: { ...(partial.parameters ?? {}) },
      tags: [...(partial.tags ?? [])],
      createdDate: partial.createdDate ?? this.now(),
      url:
        partial.url ??
        `https://dev.azure.com/inmemory/${this.catalog.project}/_build/results?buildId=${id}`,
      stages: partial.stages ? partial.stages.map((s) => ({ ...s })) : freshStages(spec),
    };
    if (partial.result) run.result = partial.result;
    if (partial.requestedBy) run.requestedBy = partial.requestedBy;
    if (partial.finishedDate !== undefined || state === 'completed') {
      run.finishedDate = partial.finishedDate ?? this.now();
    }
    if (state === 'completed' && !partial.stages) finishStages(run, run.result ?? 'succeeded');
    this.runs.push(run);
    return viewOf(run);
  }

  /** Adds an approval; defaults to pending on the run's environment stage. */
  addApproval(partial: Partial<ApprovalSummary> & { runId: number }): ApprovalSummary {
    const run = this.mustRun(partial.runId);
    const spec = this.spec(run.pipelineKey ?? '');
    const env = this.approvalEnvironmentOf(spec.key);
    const stage = spec.stages.find((s) => s.environment && s.environment === env?.key);
    const n = this.nextApprovalId++;
    const approval: ApprovalSummary = {
      id: partial.id ?? `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      runId: run.id,
      pipelineId: run.pipelineId,
      pipelineKey: spec.key,
      pipelineName: spec.name,
      status: partial.status ?? 'pending',
      instructions: partial.instructions ?? env?.approval?.instructions ?? '',
      createdOn: partial.createdOn ?? this.now(),
      approvers:
        partial.approvers ??
        (env?.approval?.approvers ?? []).map((a) => ({ id: a, displayName: a })),
    };
    for (const k of ['decidedBy', 'decidedOn', 'comment', 'stageName', 'environment'] as const) {
      if (partial[k] !== undefined) approval[k] = partial[k];
    }
    approval.stageName ??= stage?.name;
    approval.environment ??= env?.key;
    if (approval.stageName === undefined) delete approval.stageName;
    if (approval.environment === undefined) delete approval.environment;
    this.approvals.push(approval);
    return { ...approval };
  }

  /** Registers a model version: a succeeded run of the models pipeline tagged with it. */
  addModelVersion(version: string): ModelVersion {
    const models = this.catalog.models;
    if (!models) throw new Error('the catalog declares no models pipeline');
    const run = this.addRun({
      pipelineKey: models.pipeline,
      state: 'completed',
      result: 'succeeded',
      tags: [`${models.tagPrefix}${version}`],
    });
    return { version, runId: run.id, createdDate: run.finishedDate ?? run.createdDate };
  }

  /**
   * Moves a run along. `waiting` parks it at its approval stage and returns the new pending
   * approval; `failed` can name the failing task for `failingLogTail`.
   */
  advance(runId: number, to: RunStep, failure?: LogTail): ApprovalSummary | undefined {
    const run = this.mustRun(runId);
    if (to === 'inProgress') {
      run.state = 'inProgress';
      const stage = run.stages.find((s) => s.state !== 'completed');
      if (stage) stage.state = 'inProgress';
      return undefined;
    }
    if (to === 'waiting') {
      if (!this.approvalEnvironmentOf(run.pipelineKey ?? ''))
        throw new Error(`InMemoryDevOps: ${run.pipelineKey} has no approval`);
      const existing = this.approvals.find((a) => a.runId === runId && a.status === 'pending');
      const approval = existing ? { ...existing } : this.addApproval({ runId });
      run.state = 'inProgress';
      for (const s of run.stages) {
        if (s.name === approval.stageName) {
          s.state = 'waiting';
          s.approvalId = approval.id;
          break;
        }
        s.state = 'completed';
        s.result = 'succeeded';
      }
      return approval;
    }
    this.complete(run, to);
    if (to === 'failed') {
      const stage = run.stages.find((s) => s.result === 'failed');
      run.logTail = failure ?? {
        task:
          this.spec(run.pipelineKey ?? '').stages.find((s) => s.name === stage?.name)?.tasks[0] ??
          'task',
        stage: stage?.displayName,
        lines: ['##[error]Task failed'],
      };
      if (run.logTail.stage === undefined) delete run.logTail.stage;
    }
    return undefined;
  }

  /** Snapshot of every run, oldest first (copies: mutate through the controls above). */
  allRuns(): (RunSummary & { correlationId?: string })[] {
    return this.runs.map((r) => ({
      ...viewOf(r, true),
      ...(r.correlationId ? { correlationId: r.correlationId } : {}),
    }));
  }

  /** Snapshot of every approval. */
  allApprovals(): ApprovalSummary[] {
    return this.approvals.map((a) => ({ ...a, approvers: [...a.approvers] }));
  }

  // ---- internals ----

  protected enter(method: DevOpsMethod, args: unknown[]): void {
    this.calls.push({ method, args });
    const queued = this.failures.get(method);
    const next = queued?.shift();
    if (next) throw next;
  }

  protected spec(pipelineKey: string): PipelineSpec {
    const spec = this.index.pipeline(pipelineKey);
    if (!spec)
      throw new DevOpsError('notFound', `"${pipelineKey}" is not a pipeline in the catalog`);
    return spec;
  }

  /** The environment with an approval check that this pipeline deploys to, if any. */
  protected approvalEnvironmentOf(pipelineKey: string) {
    return this.catalog.environments.find((e) => e.pipeline === pipelineKey && e.approval);
  }

  protected pipelineIdOf(spec: PipelineSpec): number {
    return this.catalog.pipelines.indexOf(spec) + 1;
  }

  protected mustRun(runId: number): StoredRun {
    const run = this.runs.find((r) => r.id === runId);
    if (!run) throw new Error(`InMemoryDevOps: no run ${runId}`);
    return run;
  }

  protected complete(run: StoredRun, result: RunResult): void {
    run.state = 'completed';
    run.result = result;
    run.finishedDate = this.now();
    finishStages(run, result);
    for (const a of this.approvals) {
      if (a.runId === run.id && a.status === 'pending' && result === 'canceled')
        a.status = 'canceled';
    }
  }

  protected now(): string {
    return new Date((this.opts.clock ?? systemClock).now()).toISOString();
  }
}
