import { DevOpsError } from '../../src/devops/devops-port';
import { ADO_EVENTS_QUEUE } from '../../src/notifications/ado-event';
import { queueProdRun, runStateEnvelope, setup, subscribe } from './event-processor-kit';
import { CHANNEL, saveConversations } from './notification-fixtures';

describe('EventProcessor: an event that keeps failing', () => {
  it('is dead-lettered with its error after 8 attempts, not dropped', async () => {
    const env = setup();
    await saveConversations(env.store);
    await subscribe(env, CHANNEL, {});
    const run = await queueProdRun(env);
    env.devops.advance(run.id, 'inProgress');
    // Azure DevOps keeps failing for this run's reads.
    env.devops.getRun = async () => {
      throw new DevOpsError('unavailable', 'Azure DevOps answered 503');
    };
    const ev = runStateEnvelope('ev-stuck', run, 'inProgress');
    await env.store.enqueue(ADO_EVENTS_QUEUE, ev.id, ev);

    for (let attempt = 1; attempt < 8; attempt++) {
      expect(await env.processor.drain()).toBe(0);
      expect(await env.store.listPoison(ADO_EVENTS_QUEUE)).toEqual([]);
      env.clock.advance(61_000); // past the longest back-off
    }
    expect(await env.processor.drain()).toBe(1);

    expect(await env.store.queueLength(ADO_EVENTS_QUEUE)).toBe(0);
    const [dead, ...rest] = await env.store.listPoison(ADO_EVENTS_QUEUE);
    expect(rest).toEqual([]);
    expect(dead).toMatchObject({ id: 'ev-stuck', attempts: 8, payload: { id: 'ev-stuck' } });
    expect(dead!.error).toMatch(/^failed 8 times: .*503/);
    expect(env.lines.some((l) => l.includes('kept as a dead letter'))).toBe(true);
    expect(env.sender.in(CHANNEL)).toEqual([]);
  });
});
