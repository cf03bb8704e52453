import { randomUUID } from 'node:crypto';
import { postActivity } from '../support/activities';
import { ENGINEER, chatActivity, repliesTo, sleep, text } from './replica-kit';
import { useRedeliveryRig } from './redelivery-rig';

/**
 * The bot dies after Azure DevOps queued the run and before the bot heard back (SIGKILL while the
 * queue request's answer is delayed): the run exists, the bot has no record and sent no answer.
 * Teams redelivers the activity to the restarted bot: it finds that run by the activity's
 * correlation id instead of queuing a second one, and answers with it.
 */
const CHAT = 'a:redelivery-after-queue';

describe('a command survives a crash between queuing its run and answering', () => {
  const rig = useRedeliveryRig('chatops-redelivery-aq-');

  it('answers with the run already queued, once, instead of queuing a second', async () => {
    const qaRuns = () => rig.emu.engine.runs().filter((r) => r.pipelineKey === 'qa');
    const runsBefore = qaRuns().length;
    const activity = chatActivity(rig.connector, 'deploy qa model v2', CHAT, {
      from: ENGINEER,
      id: `redelivered-${randomUUID()}`,
    });
    const id = activity.id as string;
    // Azure DevOps queues the run, then its answer is held: the bot dies before hearing it.
    rig.emu.faults.add({
      method: 'POST',
      path: /\/runs/,
      afterResponse: true,
      latencyMs: 8_000,
      drop: true,
      times: 1,
    });

    const first = await rig.start();
    void postActivity(first.url, activity).catch(() => undefined);
    for (let i = 0; i < 100 && !first.logs.some((l) => l.includes(id)); i++) await sleep(100);
    expect(first.logs.some((l) => l.includes(id))).toBe(true);
    await sleep(300);
    for (let i = 0; i < 50 && qaRuns().length === runsBefore; i++) await sleep(100);
    await first.kill9();
    expect(qaRuns()).toHaveLength(runsBefore + 1);
    expect(repliesTo(rig.connector, id)).toEqual([]);

    // Teams redelivers later; by then the dead instance has stopped saying it is alive (6 s).
    await sleep(6_500);
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
