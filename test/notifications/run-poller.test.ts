import { InMemoryDevOps } from '../support/in-memory-devops';
import type { RunEvent } from '../../src/notifications/run-event';
import {
  mayWaitForApprovalIn,
  RunPoller,
  type RunPollerDeps,
} from '../../src/notifications/run-poller';
import { listTrackedRuns, trackRun } from '../../src/notifications/tracked-runs';
import { MemoryStore } from '../../src/store/memory-store';
import { catalog, manualClock, testLogger } from './notification-fixtures';

function setup() {
  const clock = manualClock(Date.parse('2026-11-26T10:00:00Z'));
  const store = new MemoryStore({ clock });
  const devops = new InMemoryDevOps(catalog, { clock });
  const events: RunEvent[] = [];
  const { logger } = testLogger();
  const make = (holderId: string, extra: Partial<RunPollerDeps> = {}) =>
    new RunPoller({
      store,
      devops,
      clock,
      logger,
      holderId,
      intervalMs: 1000,
      maxIntervalMs: 8000,
      handle: async (e) => {
        events.push(e);
      },
      ...extra,
    });
  return { clock, store, devops, events, poller: make('a'), make };
}

const buildCalls = (devops: InMemoryDevOps) =>
  devops.calls.filter(
    (c) => c.method === 'getRuns' || c.method === 'getRun' || c.method === 'listRuns',
  );

describe('RunPoller', () => {
  it('asks for pending approvals only while a run that can wait for one is active', async () => {
    const t = setup();
    const poller = t.make('a', { mayWaitForApproval: (key) => key === 'prod' });
    const qa = t.devops.addRun({ pipelineKey: 'qa', state: 'inProgress' });
    await trackRun(t.store, qa.id, t.clock.now());
    t.devops.calls.length = 0;
    await poller.pollOnce();
    expect(t.devops.calls.map((c) => c.method)).toEqual(['getRuns']);

    const prod = t.devops.addRun({ pipelineKey: 'prod', state: 'inProgress' });
    await trackRun(t.store, prod.id, t.clock.now());
    t.devops.calls.length = 0;
    await poller.pollOnce();
    expect(t.devops.calls.map((c) => c.method)).toEqual(['getRuns', 'pendingApprovals']);
  });

  it('the catalog says which pipelines can wait for an approval: prod only; unknown ones can', () => {
    const may = mayWaitForApprovalIn(catalog);
    expect(catalog.pipelines.filter((p) => may(p.key)).map((p) => p.key)).toEqual(['prod']);
    expect(may(undefined)).toBe(true);
    expect(may('not-in-the-catalog')).toBe(true);
  });

  it('refreshes 250 tracked runs with ⌈250/200⌉ = 2 Build API calls and feeds only changes', async () => {
    const t = setup();
    const ids: number[] = [];
    for (let i = 0; i < 250; i++) {
      const run = t.devops.addRun({ pipelineKey: 'qa', state: 'inProgress' });
      ids.push(run.id);
      await trackRun(t.store, run.id, t.clock.now());
    }
    t.devops.calls.length = 0;
    const first = await t.poller.pollOnce();
    expect(first).toMatchObject({ leader: true, tracked: 250, changed: 250, buildCalls: 2 });
    expect(buildCalls(t.devops)).toHaveLength(2);
    expect(t.events.every((e) => e.kind === 'started' && e.source === 'poll')).toBe(true);

    t.events.length = 0;
    t.devops.calls.length = 0;
    t.devops.advance(ids[7]!, 'failed');
    const second = await t.poller.pollOnce();
    expect(second).toMatchObject({ changed: 1, buildCalls: 2 });
    expect(t.events).toEqual([
      expect.objectContaining({ runId: ids[7], kind: 'completed', result: 'failed' }),
    ]);
    expect(buildCalls(t.devops)).toHaveLength(2);
  });

  it('reports new pending approvals of tracked runs, once', async () => {
    const t = setup();
    const run = await t.devops.runPipeline({
      pipelineKey: 'prod',
      parameters: { modelVersion: '3' },
      correlationId: 'x',
    });
    await trackRun(t.store, run.id, t.clock.now());
    await t.poller.pollOnce();
    const approval = t.devops.advance(run.id, 'waiting')!;
    t.events.length = 0;
    await t.poller.pollOnce();
    // The run went queued → inProgress as it parked on its approval: both are reported.
    expect(t.events.map((e) => e.kind)).toEqual(['started', 'waitingForApproval']);
    expect(t.events[1]).toMatchObject({ approval: { id: approval.id, pending: true } });
    t.events.length = 0;
    await t.poller.pollOnce();
    expect(t.events).toEqual([]);
  });

  it('an approval decided and its run finished between two rounds still gets its decided event', async () => {
    const t = setup();
    const poller = t.make('a', { mayWaitForApproval: (key) => key === 'prod' });
    const run = await t.devops.runPipeline({
      pipelineKey: 'prod',
      parameters: { modelVersion: '3' },
      correlationId: 'y',
    });
    await trackRun(t.store, run.id, t.clock.now());
    const approval = t.devops.advance(run.id, 'waiting')!;
    await poller.pollOnce();
    t.events.length = 0;
    await t.devops.decideApproval(approval.id, 'approved', 'ship it');
    t.devops.advance(run.id, 'succeeded');
    await poller.pollOnce();
    // No run is active any more, but the approval the last round saw pending has gone: the
    // chats that show its card must hear it was decided.
    expect(t.events.map((e) => e.kind)).toEqual(['completed', 'stageChanged']);
    expect(t.events[1]).toMatchObject({ approval: { id: approval.id, pending: false } });
  });

  it('backs off while nothing runs and resets when something starts', async () => {
    const t = setup();
    await t.poller.pollOnce();
    expect(t.poller.currentIntervalMs()).toBe(2000);
    await t.poller.pollOnce();
    await t.poller.pollOnce();
    await t.poller.pollOnce();
    expect(t.poller.currentIntervalMs()).toBe(8000);
    const run = t.devops.addRun({ pipelineKey: 'qa', state: 'inProgress' });
    await trackRun(t.store, run.id, t.clock.now());
    await t.poller.pollOnce();
    expect(t.poller.currentIntervalMs()).toBe(1000);
    expect(await listTrackedRuns(t.store)).toHaveLength(1);
  });

  it('a backed-off holder that dies is replaced within one short lease, not its idle interval', async () => {
    const t = setup();
    const a = t.make('a', { maxIntervalMs: 60_000, minLeaseMs: 3000 });
    for (let i = 0; i < 6; i++) await a.pollOnce();
    expect(a.currentIntervalMs()).toBeGreaterThanOrEqual(32_000);
    const b = t.make('b');
    expect((await b.pollOnce()).leader).toBe(false);
    t.clock.advance(3001); // a is gone: its lease lapses after 3 s, whatever its back-off
    expect((await b.pollOnce()).leader).toBe(true);
  });

  it('only the lease holder polls', async () => {
    const t = setup();
    const run = t.devops.addRun({ pipelineKey: 'qa', state: 'inProgress' });
    await trackRun(t.store, run.id, t.clock.now());
    expect((await t.poller.pollOnce()).leader).toBe(true);
    const other = t.make('b');
    t.devops.calls.length = 0;
    expect(await other.pollOnce()).toMatchObject({ leader: false, buildCalls: 0 });
    expect(buildCalls(t.devops)).toHaveLength(0);
  });

  it('start/stop leaves no timer behind', async () => {
    const t = setup();
    t.poller.start();
    t.poller.wake();
    await t.poller.stop();
    // jest would report an open handle; also check nothing polls afterwards.
    const before = t.devops.calls.length;
    await new Promise((r) => setTimeout(r, 1100));
    expect(t.devops.calls.length).toBe(before);
  });
});
