import type { Store } from '../store/store';
import { RUN_RECORDS_COLLECTION, type RunRecord } from '../use-cases/run-record';

/**
 * How many runs of each pipeline the bot queued each day (UTC `yyyymmdd`), from the run records
 * it keeps (the `runs` collection of `run-record.ts`). Local mode continues the emulator's build
 * numbers after them, so a run queued after a restart is not a second `20261129.1` of a pipeline
 * in the same chat. Runs queued outside the bot leave no record: a lower bound, not an exact one.
 * @example await rememberedBuildsPerDay(store) // [{ pipelineKey: 'qa', day: '20261129', count: 2 }]
 */
export async function rememberedBuildsPerDay(
  store: Store,
): Promise<{ pipelineKey: string; day: string; count: number }[]> {
  const counts = new Map<string, { pipelineKey: string; day: string; count: number }>();
  for (const { value } of await store.list<Partial<RunRecord>>(RUN_RECORDS_COLLECTION)) {
    if (typeof value.pipelineKey !== 'string' || typeof value.queuedAt !== 'number') continue;
    const day = new Date(value.queuedAt).toISOString().slice(0, 10).replace(/-/g, '');
    const key = `${value.pipelineKey}:${day}`;
    const entry = counts.get(key) ?? { pipelineKey: value.pipelineKey, day, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()];
}
