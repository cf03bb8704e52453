/**
 * Runs catalog pipelines through their stages and tasks in `taskMs` steps, blocks approval-gated
 * stages until decided, and reports every transition as an EngineEvent (turned into service-hook
 * deliveries elsewhere). All state is in memory.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock/clock';
import type {
  ApprovalStatusName,
  EmulatedApproval,
  EmulatedRun,
  EmulatedStage,
  EmulatedTask,
  Identity,
} from './model';
import { type EmulatorContext, findDefinition } from './emulator-context';
import { deterministicGuid } from './ids';
import { identityForPrincipal, sameIdentity, serviceIdentity } from './identities';
import { AdoHttpError } from './http-reply';

/** A transition the hooks publish; objects are live, so listeners must snapshot synchronously. */
export type EngineEvent =
  | { type: 'run-state'; run: EmulatedRun }
  | { type: 'stage-state'; run: EmulatedRun; stage: EmulatedStage }
  | { type: 'approval-pending'; run: EmulatedRun; stage: EmulatedStage; approval: EmulatedApproval }
  | {
      type: 'approval-completed';
      run: EmulatedRun;
      stage: EmulatedStage;
      approval: EmulatedApproval;
    }
  | { type: 'build-complete'; run: EmulatedRun };

/** Makes the next run of a pipeline fail at a stage/task, with log lines saying why. */
export interface FailSpec {
  /** Stage name (YAML identifier); default: the last stage. */
  stage?: string;
  /** Task name; default: the stage's first task. */
  task?: string;
  lines: string[];
}

export interface QueueRequest {
  definitionId: number;
  templateParameters: Record<string, string>;
  variables: Record<string, { value: string; isSecret?: boolean }>;
  /** Full ref, e.g. `refs/heads/develop`. */
  sourceBranch: string;
  requestedBy: Identity;
  stagesToSkip?: string[];
  reason?: EmulatedRun['reason'];
}

export interface RunEngineOptions {
  ctx: EmulatorContext;
  clock: Clock;
  taskMs: number;
  /** Lets the PAT's service identity decide any approval (local mode, where everyone approves). */
  serviceIdentityIsApprover: boolean;
  onEvent: (e: EngineEvent) => void;
}

type Decision = 'approved' | 'rejected' | 'canceled' | 'closed';

/** A function (not an inline comparison) so TypeScript does not keep a narrowing across awaits. */
function cancelling(run: EmulatedRun): boolean {
  return run.status === 'cancelling';
}

/**
 * @example
 *   emu.engine.failNext('qa', { stage: 'Deploy_QA', task: 'Deploy endpoint', lines: ['quota exceeded'] });
 *   await emu.engine.waitFor(runId, (r) => r.status === 'completed', 5000);
 */
export class RunEngine {
  private readonly store = new Map<number, EmulatedRun>();
  private readonly approvalStore = new Map<string, EmulatedApproval>();
  private readonly failures = new Map<string, FailSpec[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly watchers = new Set<() => void>();
  private readonly wakers = new Map<number, () => void>();
  private readonly deciders = new Map<string, (d: Decision) => void>();
  private readonly numbers = new Map<string, number>();
  private nextRunId = 101;
  private closed = false;

  constructor(private readonly opts: RunEngineOptions) {}

  /** All runs, newest first. */
  runs(): EmulatedRun[] {
    return [...this.store.values()].sort((a, b) => b.id - a.id);
  }

  run(id: number): EmulatedRun | undefined {
    return this.store.get(id);
  }

  approvals(): EmulatedApproval[] {
    return [...this.approvalStore.values()].sort((a, b) => b.createdOn - a.createdOn);
  }

  approval(id: string): EmulatedApproval | undefined {
    return this.approvalStore.get(id.toLowerCase());
  }

  /**
   * Runs queued from now on get ids above `runId` (the seeded history keeps its own): a local
   * bot restarted on a store that remembers earlier runs must never see one of their ids again.
   * @example engine.reserveRunIdsThrough(128); engine.queue(req).id // 129 (or more)
   */
  reserveRunIdsThrough(runId: number): void {
    this.nextRunId = Math.max(this.nextRunId, Math.floor(runId) + 1);
  }

  /**
   * The pipeline's builds of that day continue after `count` (`20261129.4` after 3): runs an
   * earlier session of a restarted local bot queued that day keep their build numbers to
   * themselves. A key the catalog does not know is ignored.
   * @example engine.reserveBuildNumbers('qa', '20261129', 3)
   */
  reserveBuildNumbers(pipelineKey: string, day: string, count: number): void {
    const def = this.opts.ctx.definitions.find((d) => d.key === pipelineKey);
    if (!def) return;
    const key = `${def.id}:${day}`;
    this.numbers.set(key, Math.max(this.numbers.get(key) ?? 0, count));
  }

  /** Pending approvals, optionally of one run. */
  pendingApprovals(runId?: number): EmulatedApproval[] {
    return this.approvals().filter(
      (a) => a.status === 'pending' && (runId === undefined || a.runId === runId),
    );
  }

  failNext(pipelineKey: string, spec: FailSpec): void {
    const def = this.opts.ctx.definitions.find((d) => d.key === pipelineKey);
    if (!def) throw new Error(`failNext: no pipeline "${pipelineKey}" in the catalog`);
    if (spec.stage && !def.spec.stages.some((s) => s.name === spec.stage)) {
      throw new Error(`failNext: pipeline "${pipelineKey}" has no stage "${spec.stage}"`);
    }
    const list = this.failures.get(pipelineKey) ?? [];
    list.push(spec);
    this.failures.set(pipelineKey, list);
  }

  /** Resolves with the run once `predicate` holds; rejects after `timeoutMs`. */
  waitFor(
    runId: number,
    predicate: (run: EmulatedRun) => boolean,
    timeoutMs = 10000,
  ): Promise<EmulatedRun> {
    return new Promise((resolve, reject) => {
      const first = this.store.get(runId);
      if (first && predicate(first)) {
        resolve(first);
        return;
      }
      const check = (): void => {
        const r = this.store.get(runId);
        if (r && predicate(r)) {
          this.watchers.delete(check);
          clearTimeout(timer);
          resolve(r);
        }
      };
      const timer = setTimeout(() => {
        this.watchers.delete(check);
        const r = this.store.get(runId);
        reject(
          new Error(
            `run ${runId} did not reach the expected state within ${timeoutMs} ms ` +
              `(status ${r?.status ?? 'unknown run'}, result ${r?.result ?? 'none'})`,
          ),
        );
      }, timeoutMs);
      this.watchers.add(check);
    });
  }

  /** Queues a run; it starts after one step. */
  queue(req: QueueRequest): EmulatedRun {
    const run = this.createRun(req, this.opts.clock.now());
    const key = run.pipelineKey;
    const fail = this.failures.get(key)?.shift();
    void this.execute(run, req.stagesToSkip ?? [], fail).catch(() => undefined);
    return run;
  }

  /** Requests cancellation (PATCH status=cancelling); a completed run is returned unchanged. */
  cancel(runId: number): EmulatedRun | undefined {
    const run = this.store.get(runId);
    if (!run || run.status === 'completed' || run.status === 'cancelling') return run;
    run.status = 'cancelling';
    this.touch(run);
    this.emit({ type: 'run-state', run });
    for (const a of this.pendingApprovals(runId)) {
      a.status = 'canceled';
      a.lastModifiedOn = this.opts.clock.now();
      this.closeCheckpoint(run, a, 'canceled');
      this.deciders.get(a.id)?.('canceled');
    }
    this.wakers.get(runId)?.();
    return run;
  }

  /**
   * Records an approver's decision. Throws AdoHttpError for unknown approvals, non-approvers,
   * blocked (self) approvers and approvals already decided.
   */
  decide(
    approvalId: string,
    status: string,
    comment: string | undefined,
    by: Identity,
  ): EmulatedApproval {
    const a = this.approval(approvalId);
    if (!a) {
      throw new AdoHttpError(
        404,
        'ApprovalNotFoundException',
        `Approval with id '${approvalId}' does not exist or you do not have permission to view it.`,
        'approvals',
      );
    }
    if (status !== 'approved' && status !== 'rejected') {
      throw new AdoHttpError(
        400,
        'InvalidApprovalStatusException',
        `Approval status '${status}' is not valid for an update. Use 'approved' or 'rejected'.`,
        'approvals',
      );
    }
    if (a.status !== 'pending') {
      const decided = a.steps.find((s) => s.actualApprover && s.status !== 'pending');
      const who = decided?.actualApprover?.displayName ?? 'the system';
      const when = new Date(decided?.lastModifiedOn ?? a.lastModifiedOn).toISOString();
      throw new AdoHttpError(
        409,
        'ApprovalAlreadyCompletedException',
        `Approval ${a.id} has already been ${a.status} by ${who} on ${when} and can no longer be updated.`,
        'approvals',
      );
    }
    const run = this.store.get(a.runId)!;
    const asService = this.opts.serviceIdentityIsApprover && sameIdentity(by, serviceIdentity);
    let step = a.steps.find((s) => sameIdentity(s.assignedApprover, by));
    if (!step && asService) step = a.steps.find((s) => s.status === 'pending');
    if (!step) {
      const names = a.steps.map((s) => s.assignedApprover.displayName).join(', ');
      throw new AdoHttpError(
        403,
        'ApprovalUnauthorizedException',
        `${by.displayName} (${by.uniqueName}) is not an approver of approval ${a.id} and cannot approve or reject it. Approvers: ${names}.`,
        'approvals',
      );
    }
    if (a.blockedApprovers.some((b) => sameIdentity(b, by)) && !asService) {
      throw new AdoHttpError(
        403,
        'ApprovalUnauthorizedException',
        `${by.displayName} requested run ${run.buildNumber} and cannot approve or reject it: the environment requires approval by someone else.`,
        'approvals',
      );
    }
    if (step.status !== 'pending') {
      throw new AdoHttpError(
        409,
        'ApprovalAlreadyCompletedException',
        `${by.displayName} has already ${step.status} approval ${a.id}.`,
        'approvals',
      );
    }
    const now = this.opts.clock.now();
    step.status = status;
    step.actualApprover = by;
    step.comment = comment ?? '';
    step.lastModifiedOn = now;
    a.lastModifiedOn = now;
    const approvedCount = a.steps.filter((s) => s.status === 'approved').length;
    let final: 'approved' | 'rejected' | undefined;
    if (status === 'rejected') final = 'rejected';
    else if (approvedCount >= Math.min(a.minRequiredApprovers, a.steps.length)) final = 'approved';
    if (final) {
      a.status = final;
      this.closeCheckpoint(run, a, final);
      this.deciders.get(a.id)?.(final);
    } else {
      this.touch(run);
    }
    return a;
  }

  /** Stops every timer; runs in flight stay where they are. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const wake of this.wakers.values()) wake();
    for (const d of this.deciders.values()) d('closed');
    this.watchers.clear();
  }

  /**
   * Adds a finished run with a full timeline and logs (seed data). `failAt` makes it fail there.
   */
  addHistoricalRun(
    req: QueueRequest,
    at: number,
    outcome: {
      result: 'succeeded' | 'failed';
      failLines?: string[];
      approver?: Identity;
      durationMs?: number;
    },
  ): EmulatedRun {
    const run = this.createRun(req, at);
    const step = Math.max(1000, Math.floor((outcome.durationMs ?? 10 * 60000) / 20));
    let t = at + step;
    run.status = 'completed';
    run.startTime = t;
    let failed = false;
    for (const stage of run.stages) {
      if (failed) {
        stage.state = 'completed';
        stage.result = 'skipped';
        stage.tasks.forEach((k) => Object.assign(k, { state: 'completed', result: 'skipped' }));
        continue;
      }
      stage.startTime = t;
      const env = this.approvalEnvironment(stage);
      if (env) {
        const a = this.createApproval(run, stage, t);
        const approver = outcome.approver ?? a.steps[0]?.assignedApprover;
        const s =
          a.steps.find((x) => approver && sameIdentity(x.assignedApprover, approver)) ?? a.steps[0];
        t += step * 3;
        if (s && approver)
          Object.assign(s, {
            status: 'approved',
            actualApprover: approver,
            comment: 'Looks good',
            lastModifiedOn: t,
          });
        a.status = 'approved';
        a.lastModifiedOn = t;
        stage.checkpoint = {
          ...stage.checkpoint!,
          state: 'completed',
          result: 'succeeded',
          finishTime: t,
        };
      }
      const isLast = stage === run.stages[run.stages.length - 1];
      for (const [i, task] of stage.tasks.entries()) {
        if (failed) {
          Object.assign(task, { state: 'completed', result: 'skipped' });
          continue;
        }
        task.startTime = t;
        const lines = this.startLog(run, task, t);
        t += step;
        const fails = outcome.result === 'failed' && isLast && i === 0;
        this.finishTask(
          run,
          task,
          lines,
          t,
          fails ? (outcome.failLines ?? ['Deployment failed.']) : undefined,
        );
        if (fails) failed = true;
      }
      stage.state = 'completed';
      stage.result = failed ? 'failed' : 'succeeded';
      stage.finishTime = t;
    }
    run.result = outcome.result;
    run.finishTime = t;
    run.lastChangedDate = t;
    return run;
  }

  // ---- internals -------------------------------------------------------------------------

  private createRun(req: QueueRequest, at: number): EmulatedRun {
    const def = findDefinition(this.opts.ctx, req.definitionId);
    if (!def) throw new Error(`no definition ${req.definitionId}`);
    const id = this.nextRunId++;
    const day = new Date(at).toISOString().slice(0, 10).replace(/-/g, '');
    const counterKey = `${def.id}:${day}`;
    const n = (this.numbers.get(counterKey) ?? 0) + 1;
    this.numbers.set(counterKey, n);
    const stages: EmulatedStage[] = def.spec.stages.map((s, i) => ({
      id: deterministicGuid(`run:${id}:stage:${s.name}`),
      phaseId: deterministicGuid(`run:${id}:phase:${s.name}`),
      jobId: deterministicGuid(`run:${id}:job:${s.name}`),
      name: s.name,
      displayName: s.displayName ?? s.name,
      ...(s.environment ? { environment: s.environment } : {}),
      order: i + 1,
      state: 'pending',
      waiting: false,
      rejected: false,
      tasks: s.tasks.map((name, j): EmulatedTask => ({
        id: deterministicGuid(`run:${id}:task:${s.name}:${j}`),
        name,
        state: 'pending',
      })),
    }));
    const run: EmulatedRun = {
      id,
      definitionId: def.id,
      pipelineKey: def.key,
      buildNumber: `${day}.${n}`,
      status: 'notStarted',
      queueTime: at,
      lastChangedDate: at,
      templateParameters: { ...req.templateParameters },
      variables: { ...req.variables },
      sourceBranch: req.sourceBranch,
      sourceVersion: createHash('sha1').update(`${req.sourceBranch}:${id}`).digest('hex'),
      requestedBy: req.requestedBy,
      reason: req.reason ?? 'manual',
      tags: [],
      stages,
      timelineId: deterministicGuid(`run:${id}:timeline`),
      planId: deterministicGuid(`run:${id}:plan`),
      changeId: 1,
      logs: new Map(),
    };
    this.store.set(id, run);
    return run;
  }

  private now(): number {
    return this.opts.clock.now();
  }

  private touch(run: EmulatedRun): void {
    run.changeId += 1;
    run.lastChangedDate = this.now();
    for (const w of [...this.watchers]) w();
  }

  private emit(e: EngineEvent): void {
    if (this.closed) return;
    try {
      this.opts.onEvent(e);
    } catch {
      // A listener's failure must never stop a run.
    }
  }

  /** Waits one step; cancel() wakes it early. */
  private pause(run: EmulatedRun, wakeable = true): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        if (wakeable) this.wakers.delete(run.id);
        resolve();
      };
      const timer = setTimeout(done, this.opts.taskMs);
      this.timers.add(timer);
      if (wakeable) this.wakers.set(run.id, done);
    });
  }

  private approvalEnvironment(stage: EmulatedStage) {
    if (!stage.environment) return undefined;
    const env = this.opts.ctx.catalog.environments.find((e) => e.key === stage.environment);
    return env?.approval ? env : undefined;
  }

  private createApproval(run: EmulatedRun, stage: EmulatedStage, at: number): EmulatedApproval {
    const env = this.approvalEnvironment(stage)!;
    const spec = env.approval!;
    const id = deterministicGuid(`run:${run.id}:approval:${stage.name}`);
    const approvers = spec.approvers
      .map(identityForPrincipal)
      .filter((i): i is Identity => i !== undefined);
    // The check names the bot's identity only where it was configured so (local mode), and
    // the approval is assigned to exactly the identities the check names.
    if (
      this.opts.serviceIdentityIsApprover &&
      !approvers.some((p) => sameIdentity(p, serviceIdentity))
    )
      approvers.push(serviceIdentity);
    const requesterIsService = sameIdentity(run.requestedBy, serviceIdentity);
    const blocked =
      spec.noSelfApproval && !(requesterIsService && this.opts.serviceIdentityIsApprover)
        ? [run.requestedBy]
        : [];
    const a: EmulatedApproval = {
      id,
      runId: run.id,
      stageName: stage.name,
      environment: env.key,
      status: 'pending',
      createdOn: at,
      lastModifiedOn: at,
      instructions: spec.instructions,
      minRequiredApprovers: spec.minRequiredApprovers,
      blockedApprovers: blocked,
      steps: approvers.map((p, i) => ({
        assignedApprover: p,
        status: 'pending',
        initiatedOn: at,
        order: i + 1,
      })),
    };
    this.approvalStore.set(id, a);
    stage.approvalId = id;
    stage.checkpoint = {
      id: deterministicGuid(`run:${run.id}:checkpoint:${stage.name}`),
      state: 'inProgress',
      startTime: at,
    };
    return a;
  }

  private closeCheckpoint(run: EmulatedRun, a: EmulatedApproval, status: ApprovalStatusName): void {
    const stage = run.stages.find((s) => s.approvalId === a.id);
    if (stage?.checkpoint) {
      stage.checkpoint.state = 'completed';
      stage.checkpoint.result =
        status === 'approved' ? 'succeeded' : status === 'canceled' ? 'canceled' : 'failed';
      stage.checkpoint.finishTime = this.now();
    }
    this.touch(run);
    if (stage) this.emit({ type: 'approval-completed', run, stage, approval: a });
  }

  private startLog(run: EmulatedRun, task: EmulatedTask, at: number): string[] {
    const logId = run.logs.size + 1;
    task.logId = logId;
    task.state = 'inProgress';
    const lines = [
      `##[section]Starting: ${task.name}`,
      '==============================================================================',
      `Task         : Command line`,
      `Description  : ${task.name}`,
      '==============================================================================',
    ];
    run.logs.set(logId, {
      id: logId,
      createdOn: at,
      lastChangedOn: at,
      lines: lines.map((text) => ({ at, text })),
    });
    return lines;
  }

  private finishTask(
    run: EmulatedRun,
    task: EmulatedTask,
    _started: string[],
    at: number,
    failLines?: string[],
  ): void {
    const log = run.logs.get(task.logId!)!;
    const add = (text: string): void => {
      log.lines.push({ at, text });
    };
    if (failLines) {
      failLines.forEach(add);
      const last = failLines[failLines.length - 1] ?? `${task.name} failed.`;
      add(`##[error]${last}`);
      add(`##[error]Bash exited with code '1'.`);
      task.result = 'failed';
      task.errorMessage = last;
    } else {
      add(`${task.name}: done.`);
      task.result = 'succeeded';
    }
    add(`##[section]Finishing: ${task.name}`);
    log.lastChangedOn = at;
    task.state = 'completed';
    task.finishTime = at;
  }

  private skipStage(run: EmulatedRun, stage: EmulatedStage, result: 'skipped' | 'canceled'): void {
    stage.state = 'completed';
    stage.result = result;
    stage.finishTime = stage.startTime !== undefined ? this.now() : undefined;
    for (const t of stage.tasks) {
      if (t.state !== 'completed') Object.assign(t, { state: 'completed', result: 'skipped' });
    }
    this.touch(run);
    this.emit({ type: 'stage-state', run, stage });
  }

  private async execute(run: EmulatedRun, stagesToSkip: string[], fail?: FailSpec): Promise<void> {
    await this.pause(run);
    if (this.closed) return;
    if (run.status === 'notStarted') {
      run.status = 'inProgress';
      run.startTime = this.now();
      this.touch(run);
      this.emit({ type: 'run-state', run });
    }
    const failStage = fail ? (fail.stage ?? run.stages[run.stages.length - 1]?.name) : undefined;
    let failed = false;
    for (const stage of run.stages) {
      if (this.closed) return;
      if (cancelling(run)) {
        this.skipStage(run, stage, 'canceled');
        continue;
      }
      if (failed || stagesToSkip.includes(stage.name)) {
        this.skipStage(run, stage, 'skipped');
        continue;
      }
      if (this.approvalEnvironment(stage)) {
        stage.waiting = true;
        const approval = this.createApproval(run, stage, this.now());
        this.touch(run);
        this.emit({ type: 'stage-state', run, stage });
        this.emit({ type: 'approval-pending', run, stage, approval });
        const decision = await new Promise<Decision>((resolve) =>
          this.deciders.set(approval.id, resolve),
        );
        this.deciders.delete(approval.id);
        stage.waiting = false;
        if (decision === 'closed') return;
        if (decision === 'rejected') {
          stage.rejected = true;
          stage.state = 'completed';
          stage.result = 'failed';
          stage.finishTime = this.now();
          for (const t of stage.tasks) Object.assign(t, { state: 'completed', result: 'skipped' });
          this.touch(run);
          this.emit({ type: 'stage-state', run, stage });
          failed = true;
          continue;
        }
        if (decision === 'canceled') {
          this.skipStage(run, stage, 'canceled');
          continue;
        }
      }
      stage.state = 'inProgress';
      stage.startTime = this.now();
      this.touch(run);
      this.emit({ type: 'stage-state', run, stage });
      const failTask = failStage === stage.name ? (fail?.task ?? stage.tasks[0]?.name) : undefined;
      for (const task of stage.tasks) {
        if (failed || cancelling(run)) {
          Object.assign(task, { state: 'completed', result: 'skipped' });
          continue;
        }
        task.startTime = this.now();
        const lines = this.startLog(run, task, this.now());
        this.touch(run);
        await this.pause(run);
        if (this.closed) return;
        if (cancelling(run)) {
          const log = run.logs.get(task.logId!)!;
          log.lines.push({ at: this.now(), text: '##[error]The operation was canceled.' });
          Object.assign(task, { state: 'completed', result: 'canceled', finishTime: this.now() });
          continue;
        }
        const fails = failTask === task.name;
        this.finishTask(run, task, lines, this.now(), fails ? fail!.lines : undefined);
        if (fails) failed = true;
        this.touch(run);
      }
      stage.state = 'completed';
      stage.result = cancelling(run) ? 'canceled' : failed ? 'failed' : 'succeeded';
      stage.finishTime = this.now();
      this.touch(run);
      this.emit({ type: 'stage-state', run, stage });
    }
    if (cancelling(run)) {
      // Real agents take a moment to stop; keep "cancelling" observable for one step.
      await this.pause(run, false);
      if (this.closed) return;
    }
    const result = cancelling(run) ? 'canceled' : failed ? 'failed' : 'succeeded';
    const def = findDefinition(this.opts.ctx, run.definitionId)!;
    if (result === 'succeeded' && def.spec.registersModel) run.tags.push(this.nextModelTag());
    run.status = 'completed';
    run.result = result;
    run.finishTime = this.now();
    this.touch(run);
    this.emit({ type: 'run-state', run });
    this.emit({ type: 'build-complete', run });
  }

  /** `model-version:N` with N one above the highest registered so far. */
  nextModelTag(): string {
    const prefix = this.opts.ctx.catalog.models?.tagPrefix ?? 'model-version:';
    let max = 0;
    for (const r of this.store.values()) {
      for (const t of r.tags) {
        if (t.startsWith(prefix)) max = Math.max(max, Number(t.slice(prefix.length)) || 0);
      }
    }
    return `${prefix}${max + 1}`;
  }
}
