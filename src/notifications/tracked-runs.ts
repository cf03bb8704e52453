import type { Store } from '../store/store';

/** Store collection of runs the bot keeps a live card for, key = run id. */
export const TRACKED_RUNS_COLLECTION = 'tracked-runs';
/** A run nobody hears about for a week is not worth polling. */
const TRACK_TTL_MS = 7 * 24 * 3600_000;

/** What the poller compares to notice a change without reading stages. */
export interface TrackedRun {
  runId: number;
  /** `state/result`, e.g. `inProgress/` or `completed/failed`; '' before the first poll. */
  snapshot: string;
  /** Pending approval ids the poller has reported for this run. */
  approvals: string[];
  trackedAt: number;
}

/**
 * Starts (or keeps) polling `runId` until it completes. Call it when the bot queues a run; the
 * event processor calls it for every run it shows. Keeps an existing snapshot.
 * @example await trackRun(store, run.id, clock.now());
 */
export async function trackRun(store: Store, runId: number, now: number): Promise<void> {
  const existing = await store.get<TrackedRun>(TRACKED_RUNS_COLLECTION, String(runId));
  if (existing) return;
  const doc: TrackedRun = { runId, snapshot: '', approvals: [], trackedAt: now };
  await store.put(TRACKED_RUNS_COLLECTION, String(runId), doc, { etag: null, ttlMs: TRACK_TTL_MS });
}

/** Stops polling `runId` (it completed or no longer exists). */
export async function untrackRun(store: Store, runId: number): Promise<void> {
  await store.delete(TRACKED_RUNS_COLLECTION, String(runId));
}

/** Records what the poller last saw. */
export async function saveTrackedRun(store: Store, run: TrackedRun): Promise<void> {
  await store.put(TRACKED_RUNS_COLLECTION, String(run.runId), run, { ttlMs: TRACK_TTL_MS });
}

/** Every tracked run. */
export async function listTrackedRuns(store: Store): Promise<TrackedRun[]> {
  return (await store.list<TrackedRun>(TRACKED_RUNS_COLLECTION)).map((d) => d.value);
}
