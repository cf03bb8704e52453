import { rememberRunCard } from '../../src/conversations/run-card';
import { rememberRunThread } from '../../src/conversations/run-thread';
import { highestRememberedRunId } from '../../src/startup/highest-remembered-run-id';
import { MemoryStore } from '../../src/store/memory-store';
import { saveRunRecord, type RunRecord } from '../../src/use-cases/run-record';

const record = (runId: number): RunRecord => ({
  runId,
  pipelineKey: 'qa',
  parameters: {},
  requestedBy: { id: 'u1', name: 'Alex', teamsId: '29:alex' },
  conversationId: 'a:chat',
  queuedAt: 0,
});

describe('highestRememberedRunId', () => {
  it('is 0 for a store that remembers no run', async () => {
    await expect(highestRememberedRunId(new MemoryStore())).resolves.toBe(0);
  });

  it('reads run records, run cards, threads and the run a retry queued', async () => {
    const store = new MemoryStore();
    await saveRunRecord(store, record(122));
    await rememberRunCard(store, {
      runId: 125,
      conversationId: 'a:chat',
      activityId: '1',
      lastUpdate: 1,
    });
    await rememberRunThread(store, 126, '19:ops@thread.tacv2', '1764400000001');
    await expect(highestRememberedRunId(store)).resolves.toBe(126);
    // `retry 127` queued #131: the retry is remembered under 127, naming 131.
    await store.put('retries', 'retry:127', { at: 1, retryRunId: 131 });
    await expect(highestRememberedRunId(store)).resolves.toBe(131);
  });
});
