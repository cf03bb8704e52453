import type { Store } from '../store/store';

/** What the bot remembers about a run it queued: who asked in chat, and where. */
export interface RunRecord {
  runId: number;
  pipelineKey: string;
  environment?: string;
  model?: string;
  /** What the deploy does to the live model, e.g. 'v3 → v2, a downgrade', for approval cards. */
  change?: string;
  branch?: string;
  parameters: Record<string, string>;
  requestedBy: { id: string; name: string; teamsId: string; upn?: string; aadObjectId?: string };
  conversationId: string;
  queuedAt: number;
  /** The run this one retried (`retry <id>`, the Retry button). */
  retryOf?: number;
}

/**
 * Who asked, as a run card shows it: with "retry of #M" for a retry.
 * @example requesterLine(record) // 'Eli Engineer · retry of #41'
 */
export function requesterLine(record: RunRecord | undefined): string | undefined {
  if (!record) return undefined;
  const retry = record.retryOf !== undefined ? ` · retry of #${record.retryOf}` : '';
  return `${record.requestedBy.name}${retry}`;
}

/** Store collection of run records, key = run id. */
export const RUN_RECORDS_COLLECTION = 'runs';
const COLLECTION = RUN_RECORDS_COLLECTION;
/** Runs are remembered for 90 days: long enough for retries, rollbacks and audits. */
const TTL_MS = 90 * 24 * 3600_000;

export async function saveRunRecord(store: Store, record: RunRecord): Promise<void> {
  await store.put(COLLECTION, String(record.runId), record, { ttlMs: TTL_MS });
}

export async function getRunRecord(store: Store, runId: number): Promise<RunRecord | undefined> {
  return (await store.get<RunRecord>(COLLECTION, String(runId)))?.value;
}
