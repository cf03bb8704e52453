import { text } from '../support/card-inspection';
import { startHarness, subscribe, inConv, type Harness } from './notifications-rig';

describe('notifications end to end (polling, no service hooks)', () => {
  let h: Harness;
  beforeAll(async () => {
    // Slow tasks: runs stay where they are between polls unless the test moves them.
    h = await startHarness({ hooks: false, taskMs: 120_000 });
    // Not starts: 100 new cards would hide what the test looks at.
    await subscribe(h.store, '19:ops@thread.tacv2', { events: ['stageChanged', 'completed'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('100 tracked runs cost one Build API request per interval, and cards stay current', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 100; i++) {
      const run = await h.devops.runPipeline({
        pipelineKey: 'dev-cleanup',
        parameters: {},
        correlationId: `poll-${i}`,
      });
      ids.push(run.id);
      await h.notifications.trackRun(run.id);
    }
    await h.notifications.poller.pollOnce(); // first sight of each run
    const builds = { method: 'GET', path: /_apis\/build\/builds/i };
    h.emu.requestLog.clear();
    for (let i = 0; i < 3; i++) {
      const r = await h.notifications.poller.pollOnce();
      expect(r).toMatchObject({ leader: true, tracked: 100, changed: 0, buildCalls: 1 });
    }
    expect(h.emu.requestLog.count(builds)).toBe(3);
    expect(inConv(h, '19:ops@thread.tacv2')).toEqual([]);

    await h.devops.cancelRun(ids[42]!);
    for (let i = 0; i < 100 && inConv(h, '19:ops@thread.tacv2').length === 0; i++) {
      await h.notifications.poller.pollOnce();
      await new Promise((r) => setTimeout(r, 20));
    }
    const [card] = inConv(h, '19:ops@thread.tacv2');
    expect(card?.method).toBe('POST');
    expect(text(card!)).toContain('Canceling'); // the emulator finishes a cancel after the running task
    expect(h.notifications.poller.currentIntervalMs()).toBe(600_000);
  }, 60_000);
});
