import type { Catalog } from '../catalog/catalog-schema';
import type { Clock } from '../clock/clock';
import type { DevOpsPort, RunSummary } from '../devops/devops-port';
import type { Logger } from '../logging/create-logger';
import type { Store } from '../store/store';
import type { RunEvent } from './run-event';
import { listTrackedRuns, saveTrackedRun, untrackRun, type TrackedRun } from './tracked-runs';
import { catalogIndex } from '../catalog/catalog-index';

/** The Build API takes this many ids in one `buildIds` query. */
export const POLL_BATCH = 200;
const LEASE = 'poller';

export interface RunPollerDeps {
  store: Store;
  devops: DevOpsPort;
  clock: Clock;
  logger: Logger;
  /** The processor's `handle`: where synthetic events go. */
  handle(event: RunEvent): Promise<void>;
  /** Identifies this replica in the `poller` lease. */
  holderId: string;
  /** Interval while runs are moving (default 10 s). */
  intervalMs?: number;
  /** Longest interval while nothing runs (default 2 min). */
  maxIntervalMs?: number;
  /**
   * Shortest lease (default 30 s; the lease is at least 3 intervals). If the polling replica
   * dies, another one takes over within it.
   */
  minLeaseMs?: number;
  /**
   * Whether runs of a pipeline can wait for an approval (the catalog says which); pending
   * approvals are only asked for while such a run is active. Default: every pipeline can.
   */
  mayWaitForApproval?(pipelineKey: string | undefined): boolean;
}

export interface PollResult {
  /** False when another replica holds the poller lease. */
  leader: boolean;
  tracked: number;
  changed: number;
  buildCalls: number;
}

/**
 * Whether runs of a pipeline can wait for an approval, from the catalog: one of its stages
 * deploys to an environment with an `approval`. Pipelines the catalog does not know may have
 * checks it cannot see, so they can.
 * @example new RunPoller({ ...deps, mayWaitForApproval: mayWaitForApprovalIn(catalog) })
 */
export function mayWaitForApprovalIn(
  catalog: Catalog,
): (pipelineKey: string | undefined) => boolean {
  const index = catalogIndex(catalog);
  return (pipelineKey) => {
    const pipeline = index.pipeline(pipelineKey);
    if (!pipeline) return true;
    return pipeline.stages.some((st) => index.environment(st.environment)?.approval !== undefined);
  };
}

function snapshotOf(run: RunSummary): string {
  return `${run.state}/${run.result ?? ''}`;
}

/**
 * The fallback for organizations without service hooks: refreshes the runs the bot tracks with
 * ONE Build API call per 200 runs per interval, and feeds what changed to the event processor as
 * synthetic events (pending approvals come from one Approvals API call while runs are in
 * progress). The interval doubles while nothing runs and resets when something does. Only the
 * holder of the `poller` lease polls, so replicas never poll twice.
 * @example
 *   const poller = new RunPoller({ store, devops, clock, logger, handle: (e) => processor.handle(e), holderId });
 *   poller.start(); poller.wake(); await poller.stop();
 */
export class RunPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private interval: number;

  constructor(private readonly deps: RunPollerDeps) {
    this.interval = this.base;
  }

  private get base(): number {
    return this.deps.intervalMs ?? 10_000;
  }

  /** The current interval in ms (grows while idle). */
  currentIntervalMs(): number {
    return this.interval;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.interval);
  }

  /** Stops polling; resolves after an in-flight poll finished. No timer is left behind. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Something started (the bot queued a run): poll at the base interval again. */
  wake(): void {
    this.interval = this.base;
    if (!this.stopped && !this.running) this.schedule(this.interval);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.pollOnce()
        .catch((err: unknown) => {
          this.deps.logger.warn({ err }, 'polling Azure DevOps failed');
          return undefined;
        })
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.interval);
        });
    }, ms);
    this.timer.unref();
  }

  /** One round. Exposed for tests and for a manual refresh. */
  async pollOnce(): Promise<PollResult> {
    const { store, devops, logger, clock } = this.deps;
    // The lease follows the base interval, not the idle back-off: if this replica dies while
    // idle, another takes over within one short lease period rather than minutes later. (While
    // backed off the lease may lapse between rounds; whoever polls next simply takes it.)
    const leaseMs = Math.max(3 * this.base, this.deps.minLeaseMs ?? 30_000);
    if (!(await store.acquireLease(LEASE, this.deps.holderId, leaseMs))) {
      this.interval = this.base; // keep trying to take over at a normal pace
      return { leader: false, tracked: 0, changed: 0, buildCalls: 0 };
    }
    const tracked = await listTrackedRuns(store);
    let changed = 0;
    let buildCalls = 0;
    let active = 0;
    let approvable = 0;
    for (let i = 0; i < tracked.length; i += POLL_BATCH) {
      const batch = tracked.slice(i, i + POLL_BATCH);
      const runs = await devops.getRuns(batch.map((t) => t.runId));
      buildCalls++;
      const byId = new Map(runs.map((r) => [r.id, r]));
      for (const t of batch) {
        const run = byId.get(t.runId);
        if (!run) {
          logger.info({ runId: t.runId }, 'tracked run no longer exists; stop polling it');
          await untrackRun(store, t.runId);
          continue;
        }
        if (run.state !== 'completed') {
          active++;
          if (this.deps.mayWaitForApproval?.(run.pipelineKey) ?? true) approvable++;
        }
        const snapshot = snapshotOf(run);
        if (snapshot === t.snapshot) continue;
        changed++;
        await this.feed(t, run, snapshot);
      }
    }
    // One more request per interval, and only while a run that can wait for approval is active,
    // or one had an approval pending last round: an approval decided and its run finished
    // between two rounds still needs its decided event, or its cards keep offering the buttons.
    if (approvable > 0 || tracked.some((t) => t.approvals.length > 0))
      changed += await this.pollApprovals(tracked);
    // Quick while something moves, backing off while everything is idle.
    const maxInterval = this.deps.maxIntervalMs ?? 120_000;
    this.interval =
      active > 0 || changed > 0 ? this.base : Math.min(maxInterval, this.interval * 2);
    logger.debug(
      { tracked: tracked.length, changed, buildCalls, next: this.interval, at: clock.now() },
      'polled runs',
    );
    return { leader: true, tracked: tracked.length, changed, buildCalls };
  }

  private async feed(t: TrackedRun, run: RunSummary, snapshot: string): Promise<void> {
    // First sight, or queued → running, is a start; canceling and the like are stage news.
    const started =
      t.snapshot === '' || (t.snapshot.startsWith('queued/') && run.state === 'inProgress');
    const kind = run.state === 'completed' ? 'completed' : started ? 'started' : 'stageChanged';
    const event: RunEvent = {
      id: `poll:${run.id}:${snapshot}`,
      source: 'poll',
      runId: run.id,
      kind,
      pipelineName: run.pipelineName,
      branch: run.branch,
      ...(run.pipelineKey !== undefined && { pipelineKey: run.pipelineKey }),
      ...(kind === 'completed' && run.result !== undefined && { result: run.result }),
    };
    try {
      await this.deps.handle(event);
      if (run.state !== 'completed') await saveTrackedRun(this.deps.store, { ...t, snapshot });
    } catch (err) {
      // Left unchanged: the next round sees the same change and tries again.
      this.deps.logger.warn({ err, runId: run.id }, 'processing a polled change failed');
    }
  }

  /** New pending approvals of tracked runs → waiting events; vanished ones → decided events. */
  private async pollApprovals(tracked: TrackedRun[]): Promise<number> {
    const { store, devops } = this.deps;
    const pending = await devops.pendingApprovals();
    let changed = 0;
    for (const t of tracked) {
      const now = pending.filter((a) => a.runId === t.runId).map((a) => a.id);
      const fresh = now.filter((id) => !t.approvals.includes(id));
      const gone = t.approvals.filter((id) => !now.includes(id));
      if (fresh.length === 0 && gone.length === 0) continue;
      changed++;
      try {
        for (const id of fresh) {
          await this.deps.handle({
            id: `poll:approval:${id}`,
            source: 'poll',
            runId: t.runId,
            kind: 'waitingForApproval',
            approval: { id, pending: true },
          });
        }
        for (const id of gone) {
          await this.deps.handle({
            id: `poll:approval-done:${id}`,
            source: 'poll',
            runId: t.runId,
            kind: 'stageChanged',
            approval: { id, pending: false },
          });
        }
        const current = (await store.get<TrackedRun>('tracked-runs', String(t.runId)))?.value;
        if (current) await saveTrackedRun(store, { ...current, approvals: now });
      } catch (err) {
        this.deps.logger.warn({ err, runId: t.runId }, 'processing a polled approval failed');
      }
    }
    return changed;
  }
}
