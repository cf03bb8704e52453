import type { Store } from '../store/store';

/**
 * Default ttl of the per-run lease. It is renewed every third of it while the run is being
 * processed, so a slow chat delivery keeps it, and a replica that dies mid-event blocks the
 * run for at most this long.
 */
const RUN_LEASE_MS = 30_000;

/** Thrown when another replica holds the run right now; the event is tried again shortly. */
export class RunBusyError extends Error {}

/**
 * Runs work on one run at a time: in this replica (a chain per run) and across replicas (a
 * store lease per run, renewed while the work runs). Throws `RunBusyError` when another replica
 * holds the run.
 * @example await lanes.run(42, () => showRunUpdate(deps, 42, events));
 */
export class RunLanes {
  private readonly chains = new Map<number, Promise<unknown>>();

  constructor(
    private readonly opts: { store: Store; holderId: string; leaseMs?: number | undefined },
  ) {}

  run(runId: number, work: () => Promise<void>): Promise<void> {
    return this.serial(runId, async () => {
      const { store, holderId } = this.opts;
      const lease = `run-${runId}`;
      const ttl = this.opts.leaseMs ?? RUN_LEASE_MS;
      if (!(await store.acquireLease(lease, holderId, ttl))) {
        throw new RunBusyError(`run ${runId} is being processed by another replica`);
      }
      // Renewed while working (a short ttl, so a crash frees the run soon); the last renewal is
      // awaited before releasing, or it could take the lease again after the release.
      let renewing: Promise<unknown> = Promise.resolve();
      const renew = setInterval(() => {
        renewing = store.acquireLease(lease, holderId, ttl).catch(() => undefined);
      }, ttl / 3);
      renew.unref();
      try {
        await work();
      } finally {
        clearInterval(renew);
        await renewing;
        await store.releaseLease(lease, holderId).catch(() => undefined);
      }
    });
  }

  /** Resolves once every run's work settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
  }

  private serial<T>(runId: number, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(runId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.chains.set(runId, tail);
    void tail.then(() => {
      if (this.chains.get(runId) === tail) this.chains.delete(runId);
    });
    return next;
  }
}
