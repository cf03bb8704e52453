import type { Store } from '../store/store';

/** What the bot remembers about a run it queued: who asked in chat, and where. */
export interface RunRecord {
  runId: number;
  pipelineKey: string;
  environment?: string;
  model?: string;
  branch?: string;
  parameters: Record<string, string>;
  requestedBy: { id: string; name: string; teamsId: string; upn?: string; aadObjectId?: string };
  conversationId: string;
  queuedAt: number;
}

const COLLECTION = 'runs';
/** Runs are remembered for 90 days: long enough for retries, rollbacks and audits. */
const TTL_MS = 90 * 24 * 3600_000;

export async function saveRunRecord(store: Store, record: RunRecord): Promise<void> {
  await store.put(COLLECTION, String(record.runId), record, { ttlMs: TTL_MS });
}

export async function getRunRecord(store: Store, runId: number): Promise<RunRecord | undefined> {
  return (await store.get<RunRecord>(COLLECTION, String(runId)))?.value;
}
