import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCatalog } from '../../src/catalog/load-catalog';
import { setDefaultNotificationChannel } from '../../src/conversations/default-notification-channel';
import { getRunCard, rememberRunCard } from '../../src/conversations/run-card';
import { listTrackedRuns } from '../../src/notifications/tracked-runs';
import { queueProdRun, setup, subscribe } from './event-processor-kit';
import {
  CHANNEL,
  OTHER_CHANNEL,
  PERSONAL,
  cardOf,
  cardText,
  saveConversations,
} from './notification-fixtures';

describe('a run event shown in chats (run card, approval cards, requester notice)', () => {
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

    // The requester's chat: the approval card (whom it waits for), then how the run ended.
    const personal = env.sender.in(PERSONAL).filter((c) => c.method === 'send');
    expect(personal.map((c) => c.shows?.approvalCard ?? false)).toEqual([true, false]);
    expect(cardText(personal[0]!.activity)).toContain('Waiting for approval by');
    expect(cardText(personal[1]!.activity)).toContain('Your deploy to Production succeeded');

    expect(await getRunCard(env.store, run.id, CHANNEL)).toMatchObject({
      activityId: posted[0]!.activityId,
    });
    expect(await listTrackedRuns(env.store)).toEqual([]);
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

  it("shows the model on the cards it posts under the catalog's own parameter name", async () => {
    const yaml = readFileSync(join(__dirname, '../../config/digitre.yaml'), 'utf8');
    const env = setup(parseCatalog(yaml.replaceAll('modelVersion', 'model_tag'), 'model_tag'));
    await saveConversations(env.store);
    await subscribe(env, CHANNEL, { pipelines: ['custom-qa'] });
    const run = await env.devops.runPipeline({
      pipelineKey: 'custom-qa',
      parameters: { model_tag: '7' },
      correlationId: 'c-model-tag',
    });
    env.devops.advance(run.id, 'inProgress');
    await env.processor.handle({ id: 'm1', source: 'webhook', runId: run.id, kind: 'started' });
    const [card] = env.sender.in(CHANNEL).filter((c) => c.shows?.runCard);
    expect(card).toBeDefined();
    expect(cardText(card!.activity)).toContain('v7');
  });
});
