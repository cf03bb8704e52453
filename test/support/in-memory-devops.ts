import type { Catalog, PipelineSpec } from '../../src/catalog/catalog-schema';
import { catalogIndex, type CatalogIndex } from '../../src/catalog/catalog-index';
import { systemClock, type Clock } from '../../src/clock/clock';
import {
  DevOpsError,
  type ActAs,
  type ApprovalSummary,
  type DevOpsPort,
  type FailedTask,
  type GetRunOptions,
  type LogTail,
  type LogTailOptions,
  type ModelVersion,
  type RunPreview,
  type RunRequest,
  type RunResult,
  type RunSummary,
  type StageSummary,
} from '../../src/devops/devops-port';
import { knownBuild } from '../../src/devops/known-build';

export type DevOpsMethod = keyof DevOpsPort;

/** Where `advance` can move a run. */
export type RunStep = 'inProgress' | 'waiting' | 'succeeded' | 'failed' | 'canceled';

interface StoredRun extends RunSummary {
  stages: StageSummary[];
  correlationId?: string;
  logTail?: LogTail;
}

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
export class InMemoryDevOps implements DevOpsPort {
  /** Every port call, in order, with its arguments. */
  readonly calls: { method: DevOpsMethod; args: unknown[] }[] = [];
  private readonly runs: StoredRun[] = [];
  private readonly approvals: ApprovalSummary[] = [];
  private readonly failures = new Map<DevOpsMethod, DevOpsError[]>();
  private nextRunId = 1;
  private nextApprovalId = 1;
  private readonly index: CatalogIndex;

  constructor(
    private readonly catalog: Catalog,
    private readonly opts: {
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
      stages: partial.stages ? partial.stages.map((s) => ({ ...s })) : this.freshStages(spec),
    };
    if (partial.result) run.result = partial.result;
    if (partial.requestedBy) run.requestedBy = partial.requestedBy;
    if (partial.finishedDate !== undefined || state === 'completed') {
      run.finishedDate = partial.finishedDate ?? this.now();
    }
    if (state === 'completed' && !partial.stages) this.finishStages(run, run.result ?? 'succeeded');
    this.runs.push(run);
    return this.view(run);
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
      ...this.view(r, true),
      ...(r.correlationId ? { correlationId: r.correlationId } : {}),
    }));
  }

  /** Snapshot of every approval. */
  allApprovals(): ApprovalSummary[] {
    return this.approvals.map((a) => ({ ...a, approvers: [...a.approvers] }));
  }

  // ---- DevOpsPort ----

  async runPipeline(req: RunRequest, actAs?: ActAs): Promise<RunSummary> {
    this.enter('runPipeline', [req, actAs]);
    const spec = this.spec(req.pipelineKey);
    // Like the adapter: a redelivered request may have queued its run already.
    const queued = req.lookFirst
      ? this.runs.find((r) => r.correlationId === req.correlationId && r.pipelineKey === spec.key)
      : undefined;
    if (queued) return this.view(queued);
    this.checkParameters(spec, req.parameters);
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
    return this.view(stored);
  }

  async previewRun(req: Omit<RunRequest, 'correlationId'>): Promise<RunPreview> {
    this.enter('previewRun', [req]);
    const spec = this.spec(req.pipelineKey);
    this.checkParameters(spec, req.parameters);
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
      if (opts.withStages && run) Object.assign(out, this.timelineOf(run));
      else if (opts.withStages) out.stages = [];
      return out;
    }
    return run ? this.view(run, opts?.withStages) : null;
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
      out.push(this.view(run));
      if (opts?.top !== undefined && out.length >= opts.top) break;
    }
    return out;
  }

  async getRuns(runIds: number[]): Promise<RunSummary[]> {
    this.enter('getRuns', [runIds]);
    return runIds.flatMap((id) => {
      const run = this.runs.find((r) => r.id === id);
      return run ? [this.view(run)] : [];
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
    const answer = { ...this.view(run), state: 'canceling' as const };
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

  // ---- internals ----

  private enter(method: DevOpsMethod, args: unknown[]): void {
    this.calls.push({ method, args });
    const queued = this.failures.get(method);
    const next = queued?.shift();
    if (next) throw next;
  }

  private spec(pipelineKey: string): PipelineSpec {
    const spec = this.index.pipeline(pipelineKey);
    if (!spec)
      throw new DevOpsError('notFound', `"${pipelineKey}" is not a pipeline in the catalog`);
    return spec;
  }

  /** Mirrors what Azure DevOps checks: known parameter names, allowed values and patterns. */
  private checkParameters(spec: PipelineSpec, params: Record<string, string>): void {
    for (const [name, value] of Object.entries(params)) {
      const p = spec.parameters.find((x) => x.name === name);
      if (!p) {
        throw new DevOpsError('invalidParameter', `Unexpected parameter '${name}'`);
      }
      const badValue =
        (p.values && !p.values.includes(value)) ||
        (p.pattern !== undefined && !new RegExp(p.pattern).test(value));
      if (badValue) {
        throw new DevOpsError(
          'invalidParameter',
          `The value '${value}' for parameter '${name}' is not a valid value.`,
        );
      }
    }
  }

  /** The environment with an approval check that this pipeline deploys to, if any. */
  private approvalEnvironmentOf(pipelineKey: string) {
    return this.catalog.environments.find((e) => e.pipeline === pipelineKey && e.approval);
  }

  private pipelineIdOf(spec: PipelineSpec): number {
    return this.catalog.pipelines.indexOf(spec) + 1;
  }

  private mustRun(runId: number): StoredRun {
    const run = this.runs.find((r) => r.id === runId);
    if (!run) throw new Error(`InMemoryDevOps: no run ${runId}`);
    return run;
  }

  private freshStages(spec: PipelineSpec): StageSummary[] {
    return spec.stages.map((s, i) => ({
      id: `stage-${spec.key}-${i + 1}`,
      name: s.name,
      displayName: s.displayName ?? s.name,
      state: 'pending',
    }));
  }

  private complete(run: StoredRun, result: RunResult): void {
    run.state = 'completed';
    run.result = result;
    run.finishedDate = this.now();
    this.finishStages(run, result);
    for (const a of this.approvals) {
      if (a.runId === run.id && a.status === 'pending' && result === 'canceled')
        a.status = 'canceled';
    }
  }

  /** Closes open stages: the first unfinished one takes the run's result, later ones skip. */
  private finishStages(run: StoredRun, result: RunResult): void {
    let first = true;
    for (const s of run.stages) {
      if (s.state === 'completed') continue;
      s.state = 'completed';
      if (result === 'succeeded' || result === 'partiallySucceeded') s.result = 'succeeded';
      else s.result = first ? (result === 'failed' ? 'failed' : 'canceled') : 'skipped';
      first = false;
    }
  }

  private view(run: StoredRun, withStages = false): RunSummary {
    const { stages: _s, correlationId: _c, logTail: _l, ...rest } = run;
    const out: RunSummary = { ...rest, parameters: { ...rest.parameters }, tags: [...rest.tags] };
    if (withStages) Object.assign(out, this.timelineOf(run));
    return out;
  }

  /** What the adapter reads from a timeline: stages (a waiting one names its approval) and the failed task. */
  private timelineOf(run: StoredRun): Pick<RunSummary, 'stages' | 'failedTask'> {
    const stages = run.stages.map((s) => {
      const copy = { ...s };
      if (copy.state !== 'waiting') delete copy.approvalId;
      return copy;
    });
    const tail = run.logTail;
    if (!tail) return { stages };
    const failedTask: FailedTask = { task: tail.task, logId: run.id * 100 + 1 };
    if (tail.stage !== undefined) failedTask.stage = tail.stage;
    return { stages, failedTask };
  }

  private now(): string {
    return new Date((this.opts.clock ?? systemClock).now()).toISOString();
  }
}

/**
 * Who a person's token names (its `upn`, lower-case), read the way the emulator reads it: the
 * payload of an unsigned JWT. A token we cannot read names nobody.
 */
function personOf(actAs: ActAs): string {
  try {
    const payload = JSON.parse(
      Buffer.from(actAs.bearerToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as { upn?: unknown; unique_name?: unknown };
    const upn = payload.upn ?? payload.unique_name;
    return typeof upn === 'string' ? upn.toLowerCase() : 'an unknown identity';
  } catch {
    return 'an unknown identity';
  }
}

function toRef(branch: string): string {
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
}
