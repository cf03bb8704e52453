import { saveRunRecord } from '../../src/commands/run-record';
import { setDefaultNotificationChannel } from '../../src/conversations/default-notification-channel';
import { getRunCard, rememberRunCard } from '../../src/conversations/run-card';
import { InMemoryDevOps } from '../support/in-memory-devops';
import { DevOpsError, type RunSummary } from '../../src/devops/devops-port';
import { ADO_EVENTS_QUEUE } from '../../src/notifications/ado-event';
import { EventProcessor } from '../../src/notifications/event-processor';
import { listTrackedRuns } from '../../src/notifications/tracked-runs';
import { MemoryStore } from '../../src/store/memory-store';
import { addSubscription } from '../../src/subscriptions/add-subscription';
import type { SubscriptionFilterInput } from '../../src/subscriptions/subscription';
import {
  CHANNEL,
  FakeChannel,
  testPublisher,
  OTHER_CHANNEL,
  PERSONAL,
  cardOf,
  cardText,
  catalog,
  manualClock,
  saveConversations,
  testLogger,
} from './notification-fixtures';

const actor = { id: 'alex', name: 'Alex Wilber' };

function setup() {
  const clock = manualClock(Date.parse('2026-11-26T10:00:00Z'));
  const store = new MemoryStore({ clock });
  const devops = new InMemoryDevOps(catalog, { clock });
  const sender = new FakeChannel();
  const { logger, lines } = testLogger();
  const publisher = testPublisher(store, clock, logger, sender);
  const make = () =>
    new EventProcessor({ store, devops, catalog, clock, logger, publisher, holderId: 'p1' });
  return { clock, store, devops, sender, lines, processor: make(), make };
}

async function subscribe(
  env: ReturnType<typeof setup>,
  conversationId: string,
  filter: SubscriptionFilterInput,
) {
  await addSubscription(env.store, env.clock, {
    conversationId,
    conversationType: 'channel',
    actor,
    filter,
  });
}

async function queueProdRun(env: ReturnType<typeof setup>): Promise<RunSummary> {
  const run = await env.devops.runPipeline({
    pipelineKey: 'prod',
    parameters: { modelVersion: '3' },
    correlationId: 'c1',
  });
  await saveRunRecord(env.store, {
    runId: run.id,
    pipelineKey: 'prod',
    environment: 'prod',
    model: 'v3',
    parameters: { modelVersion: '3' },
    requestedBy: { id: 'alex', name: 'Alex Wilber', teamsId: '29:alex' },
    conversationId: PERSONAL,
    queuedAt: env.clock.now(),
  });
  return run;
}

/** A run-state-changed envelope like the emulator's. */
function runStateEnvelope(id: string, run: RunSummary, state: string, result?: string) {
  return {
    id,
    eventType: 'ms.vss-pipelines.run-state-changed-event',
    publisherId: 'pipelines',
    resource: {
      run: {
        id: run.id,
        name: run.name,
        state,
        ...(result && { result }),
        pipeline: { id: run.pipelineId, name: run.pipelineName },
      },
      pipeline: { id: run.pipelineId, name: run.pipelineName },
    },
    resourceVersion: '5.1-preview.1',
    createdDate: new Date().toISOString(),
  };
}

describe('EventProcessor', () => {
  it('keeps ONE live card per conversation through a prod run, posts the approval and tells the requester', async () => {
    const env = setup();
    await saveConversations(env.store);
    await subscribe(env, CHANNEL, { pipelines: ['prod'] });
    const run = await queueProdRun(env);

    env.devops.advance(run.id, 'inProgress');
    await env.processor.handle({ id: 'e1', source: 'webhook', runId: run.id, kind: 'started' });
    const approval = env.devops.advance(run.id, 'waiting')!;
    await env.processor.handle({
      id: 'e2',
      source: 'webhook',
      runId: run.id,
      kind: 'stageChanged',
    });
    await env.processor.handle({
      id: 'e3',
      source: 'webhook',
      runId: run.id,
      kind: 'waitingForApproval',
      approval: { id: approval.id, pending: true },
    });
    env.devops.advance(run.id, 'succeeded');
    await env.processor.handle({
      id: 'e4',
      source: 'webhook',
      runId: run.id,
      kind: 'completed',
      result: 'succeeded',
    });

    const inChannel = env.sender.in(CHANNEL);
    const runCards = inChannel.filter((c) => c.shows?.runCard);
    const posted = runCards.filter((c) => c.method === 'send');
    expect(posted).toHaveLength(1);
    const updates = runCards.filter((c) => c.method === 'update');
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.every((u) => u.activityId === posted[0]!.activityId)).toBe(true);
    expect(cardText(updates.at(-1)!.activity)).toContain('Succeeded');

    const approvalCards = inChannel.filter((c) => c.method === 'send' && c.shows?.approvalCard);
    expect(approvalCards).toHaveLength(1);
    expect(cardText(approvalCards[0]!.activity)).toContain('Waiting for approval');

    const personal = env.sender.in(PERSONAL);
    expect(personal).toHaveLength(1);
    expect(cardText(personal[0]!.activity)).toContain('Your deploy to Production succeeded');

    expect(await getRunCard(env.store, run.id, CHANNEL)).toMatchObject({
      activityId: posted[0]!.activityId,
    });
    expect(await listTrackedRuns(env.store)).toEqual([]);
  });

  it('the requester hears who rejected their deploy and why, even under its live card', async () => {
    const env = setup();
    await saveConversations(env.store);
    const run = await queueProdRun(env);
    // Asked in their personal chat: the run's live card is there.
    await rememberRunCard(env.store, {
      runId: run.id,
      conversationId: PERSONAL,
      activityId: 'card-1',
      lastUpdate: env.clock.now(),
    });
    const approval = env.devops.advance(run.id, 'waiting')!;
    const decided = await env.devops.decideApproval(
      approval.id,
      'rejected',
      'Rejected by Rita Release via Teams: metrics regressed',
    );
    await env.processor.handle({
      id: 'r1',
      source: 'webhook',
      runId: run.id,
      kind: 'completed',
      approval: { id: decided.id, pending: false },
    });
    const notices = env.sender.in(PERSONAL).filter((c) => c.method === 'send');
    expect(notices).toHaveLength(1);
    const notice = cardText(notices[0]!.activity);
    expect(notice).toContain('Your deploy to Production was rejected by Rita Release');
    expect(notice).toContain('metrics regressed');
    expect(notice).not.toContain('via Teams');
  });

  it('a run that succeeded under its live card in the requester’s chat gets no extra notice', async () => {
    const env = setup();
    await saveConversations(env.store);
    const run = await queueProdRun(env);
    await rememberRunCard(env.store, {
      runId: run.id,
      conversationId: PERSONAL,
      activityId: 'card-1',
      lastUpdate: env.clock.now(),
    });
    env.devops.advance(run.id, 'succeeded');
    await env.processor.handle({ id: 's1', source: 'webhook', runId: run.id, kind: 'completed' });
    expect(env.sender.in(PERSONAL).filter((c) => c.method === 'send')).toEqual([]);
  });

  it('honours filters: a failed-only subscription hears nothing of a success, but gets the failure', async () => {
    const env = setup();
    await saveConversations(env.store);
    await subscribe(env, OTHER_CHANNEL, { results: ['failed'] });
    const ok = await queueProdRun(env);
    env.devops.advance(ok.id, 'inProgress');
    await env.processor.handle({ id: 'a1', source: 'webhook', runId: ok.id, kind: 'started' });
    env.devops.advance(ok.id, 'succeeded');
    await env.processor.handle({
      id: 'a2',
      source: 'webhook',
      runId: ok.id,
      kind: 'completed',
      result: 'succeeded',
    });
    expect(env.sender.in(OTHER_CHANNEL)).toEqual([]);

    const bad = await env.devops.runPipeline({
      pipelineKey: 'qa',
      parameters: { modelVersion: '3' },
      correlationId: 'c2',
    });
    env.devops.advance(bad.id, 'failed');
    await env.processor.handle({
      id: 'a3',
      source: 'webhook',
      runId: bad.id,
      kind: 'completed',
      result: 'failed',
    });
    const calls = env.sender.in(OTHER_CHANNEL);
    expect(calls.map((c) => c.method)).toEqual(['send']);
    expect(cardText(calls[0]!.activity)).toContain('Failed');
    expect(cardText(calls[0]!.activity)).toContain('##[error]Task failed');
    // The failed task comes from the timeline the run was read with: only its log is read.
    const tailCalls = env.devops.calls.filter((c) => c.method === 'failingLogTail');
    expect(tailCalls.map((c) => c.args)).toEqual([
      [bad.id, { failedTask: expect.objectContaining({ logId: expect.any(Number) }) }],
    ]);
  });

  it('the default channel hears prod, approvals and failures, until it subscribes', async () => {
    const env = setup();
    await saveConversations(env.store);
    await setDefaultNotificationChannel(env.store, CHANNEL);
    const start = async (pipelineKey: string, id: string) => {
      const run = await env.devops.runPipeline({
        pipelineKey,
        parameters: { modelVersion: '1' },
        correlationId: id,
      });
      env.devops.advance(run.id, 'inProgress');
      await env.processor.handle({ id, source: 'webhook', runId: run.id, kind: 'started' });
      return run;
    };
    // A QA run starting is not the team's business; its failure is.
    const qa = await start('qa', 'd1');
    expect(env.sender.in(CHANNEL)).toHaveLength(0);
    env.devops.advance(qa.id, 'failed');
    await env.processor.handle({ id: 'd1f', source: 'webhook', runId: qa.id, kind: 'completed' });
    expect(env.sender.in(CHANNEL).map((c) => c.method)).toEqual(['send']);
    expect(cardText(env.sender.in(CHANNEL)[0]!.activity)).toContain('Failed');
    // A prod run from its start.
    await start('prod', 'd2');
    expect(env.sender.in(CHANNEL)).toHaveLength(2);

    // Once it subscribes, it hears what it asked for and nothing else.
    await subscribe(env, CHANNEL, { pipelines: ['qa'] });
    await start('prod', 'd3');
    expect(env.sender.in(CHANNEL)).toHaveLength(2);
    await start('qa', 'd4');
    expect(env.sender.in(CHANNEL)).toHaveLength(3);
  });

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

  it('never moves a card backwards on a stale read', async () => {
    const env = setup();
    await saveConversations(env.store);
    await subscribe(env, CHANNEL, {});
    const run = await queueProdRun(env);
    env.devops.advance(run.id, 'inProgress');
    const stale = (await env.devops.getRun(run.id, { withStages: true }))!;
    await env.processor.handle({ id: 's1', source: 'webhook', runId: run.id, kind: 'started' });
    env.devops.advance(run.id, 'failed');
    await env.processor.handle({ id: 's2', source: 'webhook', runId: run.id, kind: 'completed' });
    const before = env.sender.calls.length;

    const original = env.devops.getRun.bind(env.devops);
    env.devops.getRun = async () => stale;
    await env.processor.handle({ id: 's3', source: 'poll', runId: run.id, kind: 'stageChanged' });
    env.devops.getRun = original;

    expect(env.sender.calls.length).toBe(before);
    const last = env.sender.in(CHANNEL).at(-1)!;
    expect(cardText(last.activity)).toContain('Failed');
    expect(cardOf(last.activity).type).toBe('AdaptiveCard');
  });

  it('keeps the creation claim when the send was deferred, so no second card appears', async () => {
    const env = setup();
    await saveConversations(env.store);
    await subscribe(env, CHANNEL, {});
    const run = await queueProdRun(env);
    env.devops.advance(run.id, 'inProgress');
    env.sender.deferNext = 1;
    await env.processor.handle({ id: 'f1', source: 'webhook', runId: run.id, kind: 'started' });
    env.devops.advance(run.id, 'waiting');
    await env.processor.handle({
      id: 'f2',
      source: 'webhook',
      runId: run.id,
      kind: 'stageChanged',
    });
    expect(env.sender.in(CHANNEL)).toEqual([]);
    expect(env.lines.join('')).toContain('deferred to the outbox');
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
