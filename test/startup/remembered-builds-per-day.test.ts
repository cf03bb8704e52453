import { rememberedBuildsPerDay } from '../../src/startup/remembered-builds-per-day';
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

describe('rememberedBuildsPerDay', () => {
  it('counts the runs the bot queued per pipeline and UTC day', async () => {
    const store = new MemoryStore();
    const day1 = Date.parse('2026-11-29T08:00:00Z');
    const day2 = Date.parse('2026-11-30T00:30:00Z');
    await saveRunRecord(store, { ...record(122), queuedAt: day1 });
    await saveRunRecord(store, { ...record(123), queuedAt: day1 + 3600_000 });
    await saveRunRecord(store, { ...record(124), pipelineKey: 'prod', queuedAt: day1 });
    await saveRunRecord(store, { ...record(125), queuedAt: day2 });
    const counts = await rememberedBuildsPerDay(store);
    expect(
      counts.sort(
        (a, b) => a.day.localeCompare(b.day) || a.pipelineKey.localeCompare(b.pipelineKey),
      ),
    ).toEqual([
      { pipelineKey: 'prod', day: '20261129', count: 1 },
      { pipelineKey: 'qa', day: '20261129', count: 2 },
      { pipelineKey: 'qa', day: '20261130', count: 1 },
    ]);
  });
});
