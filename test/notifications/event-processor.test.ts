import { DevOpsError } from '../../src/devops/devops-port';
import { ADO_EVENTS_QUEUE } from '../../src/notifications/ado-event';
import { queueProdRun, runStateEnvelope, setup, subscribe } from './event-processor-kit';
import { CHANNEL, PERSONAL, cardText, saveConversations } from './notification-fixtures';

describe('EventProcessor', () => {
  it('duplicates, out-of-order events and a processor restart still give one correct card', async () => {
    const env = setup();
    await saveConversations(env.store);
    await subscribe(env, CHANNEL, {});
    const run = await queueProdRun(env);
    env.devops.advance(run.id, 'inProgress');
    const started = runStateEnvelope('ev-started', run, 'inProgress');
    const done = runStateEnvelope('ev-done', run, 'completed', 'succeeded');

    // Delivered three times before processing: the queue holds it once.
    for (let i = 0; i < 3; i++) await env.store.enqueue(ADO_EVENTS_QUEUE, started.id, started);
    expect(await env.processor.drain()).toBe(1);

    env.devops.advance(run.id, 'succeeded');
    await env.store.enqueue(ADO_EVENTS_QUEUE, done.id, done);
    await env.processor.drain();
    // A restart (same store) and late redeliveries of both, newest first.
    const restarted = env.make();
    await env.store.enqueue(ADO_EVENTS_QUEUE, done.id, done);
    await env.store.enqueue(ADO_EVENTS_QUEUE, started.id, started);
    expect(await restarted.drain()).toBe(2);

    const calls = env.sender.in(CHANNEL).filter((c) => c.shows?.runCard);
    expect(calls.map((c) => c.method)).toEqual(['send', 'update']);
    expect(cardText(calls[1]!.activity)).toContain('Succeeded');
    expect(env.sender.in(PERSONAL)).toHaveLength(1);
    expect(await env.store.queueLength(ADO_EVENTS_QUEUE)).toBe(0);
  });

  it('retries an event when Azure DevOps fails, then processes it', async () => {
    const env = setup();
    await saveConversations(env.store);
    await subscribe(env, CHANNEL, {});
    const run = await queueProdRun(env);
    env.devops.advance(run.id, 'inProgress');
    env.devops.failWith('getRun', new DevOpsError('unavailable', 'down'));
    const ev = runStateEnvelope('r1', run, 'inProgress');
    await env.store.enqueue(ADO_EVENTS_QUEUE, ev.id, ev);
    expect(await env.processor.drain()).toBe(0);
    expect(await env.store.queueLength(ADO_EVENTS_QUEUE)).toBe(1);
    env.clock.advance(5_000);
    expect(await env.processor.drain()).toBe(1);
    expect(env.sender.in(CHANNEL).map((c) => c.method)).toEqual(['send']);
  });
});
