import { randomUUID } from 'node:crypto';
import { postActivity } from '../support/activities';
import { ENGINEER, chatActivity, repliesTo, sleep, text } from './replica-kit';
import { useRedeliveryRig } from './redelivery-rig';

/**
 * The bot dies after taking a message and before its run is queued (SIGKILL while Azure DevOps
 * is slow to answer the queue request). Teams redelivers the same activity to the restarted bot:
 * it is handled, once — one run, one answer — and a later redelivery is a duplicate.
 */
const CHAT = 'a:redelivery-engineer';

describe('a command survives a crash between taking it and queuing its run', () => {
  const rig = useRedeliveryRig('chatops-redelivery-');

  it('queues the run once and answers once when Teams redelivers the message after the crash', async () => {
    const qaRuns = () => rig.emu.engine.runs().filter((r) => r.pipelineKey === 'qa');
    const runsBefore = qaRuns().length;
    const activity = chatActivity(rig.connector, 'deploy qa model v2', CHAT, {
      from: ENGINEER,
      id: `redelivered-${randomUUID()}`,
    });
    const id = activity.id as string;
    // Azure DevOps hangs on the queue request, then drops it: nothing is queued by it.
    rig.emu.faults.add({ method: 'POST', path: /\/runs/, latencyMs: 5_000, drop: true, times: 1 });

    const first = await rig.start();
    void postActivity(first.url, activity).catch(() => undefined);
    for (let i = 0; i < 100 && !first.logs.some((l) => l.includes(id)); i++) await sleep(100);
    expect(first.logs.some((l) => l.includes(id))).toBe(true);
    await sleep(300);
    await first.kill9();
    expect(qaRuns()).toHaveLength(runsBefore);
    expect(repliesTo(rig.connector, id)).toEqual([]);

    // Teams redelivers at once, while the dead instance still looks alive (its liveness record
    // lasts 6 s): the new instance waits that out instead of dropping the message as in flight.
    const second = await rig.start();
    expect((await postActivity(second.url, activity)).status).toBe(200);
    const [answer] = await rig.connector.waitFor(
      1,
      (c) => c.method === 'POST' && c.activityId === id,
      15_000,
    );
    expect(text(answer!)).toContain('[QA]-Deploy');
    expect(qaRuns()).toHaveLength(runsBefore + 1);

    // Teams tries once more: now it is done, so nothing new happens.
    expect((await postActivity(second.url, activity)).status).toBe(200);
    await sleep(1_000);
    expect(qaRuns()).toHaveLength(runsBefore + 1);
    expect(repliesTo(rig.connector, id)).toHaveLength(1);
  }, 120_000);
});
