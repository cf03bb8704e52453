import { RUN_CARDS_COLLECTION } from '../conversations/conversation-record';
import { RUN_THREADS_COLLECTION } from '../conversations/run-thread';
import { TRACKED_RUNS_COLLECTION } from '../notifications/tracked-runs';
import type { Store } from '../store/store';
import { RUN_DECISIONS_COLLECTION } from '../use-cases/run-decision';
import { RUN_RECORDS_COLLECTION } from '../use-cases/run-record';
import { RETRIES_COLLECTION } from '../use-cases/retry-run';

/** Every collection whose keys start with a run id (`42`, `42:<chat>`, `retry:42`). */
const RUN_KEYED_COLLECTIONS = [
  RUN_RECORDS_COLLECTION,
  RETRIES_COLLECTION,
  RUN_CARDS_COLLECTION,
  RUN_THREADS_COLLECTION,
  RUN_DECISIONS_COLLECTION,
  TRACKED_RUNS_COLLECTION,
];

/** The run id a key starts with (`retry:` prefixed for retries); undefined for any other key. */
function runIdOfKey(key: string): number | undefined {
  const m = /^(?:retry:)?(\d+)(?::|$)/.exec(key);
  return m ? Number(m[1]) : undefined;
}

/**
 * The highest run id anything in the store remembers (run records, run cards and threads, retries
 * and the runs they queued, decisions, tracked runs); 0 when none. Local mode starts the
 * emulator's new runs above it: the emulator forgets its runs on restart and would otherwise
 * count from the same id again, so a new run would meet an old run's card, record or retry.
 * @example const above = await highestRememberedRunId(store); // 128 after a session up to #128
 */
export async function highestRememberedRunId(store: Store): Promise<number> {
  let highest = 0;
  for (const collection of RUN_KEYED_COLLECTIONS) {
    for (const doc of await store.list<unknown>(collection)) {
      const id = runIdOfKey(doc.key);
      if (id !== undefined && id > highest) highest = id;
      // A retry remembers the run it queued under the retried run's key.
      const retryRunId = (doc.value as { retryRunId?: unknown } | null)?.retryRunId;
      if (typeof retryRunId === 'number' && retryRunId > highest) highest = retryRunId;
    }
  }
  return highest;
}
