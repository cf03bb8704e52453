import { saveRunRecord } from '../../src/use-cases/run-record';
import type { RunSummary } from '../../src/devops/devops-port';
import { ADO_EVENTS_QUEUE, type AdoEvent } from '../../src/notifications/ado-event';
import { EventProcessor } from '../../src/notifications/event-processor';
import { MemoryStore } from '../../src/store/memory-store';
import { addSubscription } from '../../src/subscriptions/add-subscription';
import { InMemoryDevOps } from '../support/in-memory-devops';
import { runStateEnvelope } from './event-processor-kit';
import {
  CHANNEL,
  FakeChannel,
  testPublisher,
  PERSONAL,
  cardText,
  catalog,
  manualClock,
  saveConversations,
  testLogger,
} from './notification-fixtures';

const RUNS = 5;
const PER_RUN = 100;
const BATCH = 100;

async function setup() {
  const clock = manualClock(Date.parse('2026-11-26T10:00:00Z'));
  const store = new MemoryStore({ clock });
  const devops = new InMemoryDevOps(catalog, { clock });
  // Reads take a turn of the event loop, as a real request does, so work can interleave.
  const getRun = devops.getRun.bind(devops);
  devops.getRun = async (...args) => {
    await new Promise((r) => setImmediate(r));
    return getRun(...args);
  };
  const sender = new FakeChannel();
  const { logger, lines } = testLogger();
  const publisher = testPublisher(store, clock, logger, sender);
  const processor = new EventProcessor({
    store,
    devops,
    catalog,
    clock,
    logger,
    publisher,
    holderId: 'p1',
    batchSize: BATCH,
  });
  await saveConversations(store);
  await addSubscription(store, clock, {
    conversationId: CHANNEL,
    conversationType: 'channel',
    actor: { id: 'alex', name: 'Alex Wilber' },
    filter: { pipelines: ['dev-cleanup'] },
  });
  const queueRun = async (): Promise<RunSummary> => {
    const run = await devops.runPipeline({
      pipelineKey: 'dev-cleanup',
      parameters: {},
      correlationId: `c${devops.calls.length}`,
    });
    await saveRunRecord(store, {
      runId: run.id,
      pipelineKey: 'dev-cleanup',
      environment: 'dev',
      parameters: {},
      requestedBy: { id: 'alex', name: 'Alex Wilber', teamsId: '29:alex' },
      conversationId: PERSONAL,
      queuedAt: clock.now(),
    });
    return run;
  };
  const reads = () =>
    devops.calls.filter((c) => c.method === 'getRun').map((c) => c.args[0] as number);
  return { clock, store, devops, sender, processor, queueRun, reads, lines };
}

const envelope = (id: string, run: RunSummary, state: string, result?: string) =>
  runStateEnvelope(id, run, state, result) as unknown as AdoEvent;

/** PER_RUN events for each run, interleaved as a burst arrives; the last says completed. */
async function queueBacklog(env: Awaited<ReturnType<typeof setup>>, runs: RunSummary[]) {
  for (let i = 0; i < PER_RUN; i++) {
    for (const run of runs) {
      const last = i === PER_RUN - 1;
      const ev = envelope(
        `r${run.id}-${i}`,
        run,
        last ? 'completed' : 'inProgress',
        last ? 'succeeded' : undefined,
      );
      await env.store.enqueue(ADO_EVENTS_QUEUE, ev.id, ev);
    }
  }
}

describe('EventProcessor backlog', () => {
  it('drains a backlog of many events for few runs with one Azure DevOps read per run per batch', async () => {
    const env = await setup();
    const runs: RunSummary[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await env.queueRun());
    for (const run of runs) env.devops.advance(run.id, 'succeeded');
    await queueBacklog(env, runs);

    const n = await env.processor.drain();
    expect(n).toBe(RUNS * PER_RUN);

    const batches = (RUNS * PER_RUN) / BATCH;
    expect(env.reads()).toHaveLength(RUNS * batches); // not one per event (500)
    expect(await env.store.queueLength(ADO_EVENTS_QUEUE)).toBe(0);
    for (const run of runs) {
      // One card per run, created once, showing the final state; one completion notice.
      const cards = env.sender.calls.filter(
        (c) => c.conversationId === CHANNEL && c.shows?.runCard?.runId === run.id,
      );
      expect(cards.map((c) => c.method)).toEqual(['send']);
      expect(cardText(cards[0]!.activity)).toContain('Succeeded');
    }
    const notices = env.sender.calls.filter((c) => c.conversationId === PERSONAL && !c.shows);
    expect(notices).toHaveLength(RUNS);

    // Idempotent by event id: a redelivery after the drain is not processed again.
    const again = envelope(`r${runs[0]!.id}-3`, runs[0]!, 'inProgress');
    await env.store.enqueue(ADO_EVENTS_QUEUE, again.id, again);
    const before = env.reads().length;
    expect(await env.processor.drain()).toBe(1);
    expect(env.reads()).toHaveLength(before);
  });

  it("an approval event coalesced with its run's other events still posts the approval card", async () => {
    const env = await setup();
    await addSubscription(env.store, env.clock, {
      conversationId: CHANNEL,
      conversationType: 'channel',
      actor: { id: 'alex', name: 'Alex Wilber' },
      filter: { pipelines: ['prod'] },
    });
    const run = await env.devops.runPipeline({
      pipelineKey: 'prod',
      parameters: { modelVersion: '3' },
      correlationId: 'prod-1',
    });
    const approval = env.devops.advance(run.id, 'waiting')!;
    const events: AdoEvent[] = [
      envelope('p-0', run, 'inProgress'),
      {
        id: 'p-approval',
        eventType: 'ms.vss-pipelinechecks-events.approval-pending',
        resource: {
          approval: { id: approval.id, status: 'pending', steps: [] },
          run: { id: run.id, name: run.name },
          pipeline: { id: run.pipelineId, name: run.pipelineName },
        },
      } as unknown as AdoEvent,
      envelope('p-2', run, 'inProgress'),
    ];
    for (const ev of events) await env.store.enqueue(ADO_EVENTS_QUEUE, ev.id, ev);

    expect(await env.processor.drain()).toBe(3);

    expect(env.reads()).toEqual([run.id]);
    const inChannel = env.sender.calls.filter((c) => c.conversationId === CHANNEL);
    expect(inChannel.filter((c) => c.shows?.runCard).map((c) => c.method)).toEqual(['send']);
    const approvalCards = inChannel.filter((c) => c.method === 'send' && c.shows?.approvalCard);
    expect(approvalCards).toHaveLength(1);
    expect(cardText(approvalCards[0]!.activity)).toContain('Waiting for approval');
  });

  it('processes a live event for another run before the backlog finishes, and reads it once', async () => {
    const env = await setup();
    const runs: RunSummary[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await env.queueRun());
    for (const run of runs) env.devops.advance(run.id, 'succeeded');
    await queueBacklog(env, runs);
    const liveRun = await env.queueRun();
    env.devops.advance(liveRun.id, 'inProgress');

    env.processor.kick(); // the backlog starts draining
    while (env.reads().length === 0) await new Promise((r) => setImmediate(r));
    // The live event is stored behind the whole backlog, then the route tells the processor.
    const live = envelope('live-1', liveRun, 'inProgress');
    await env.store.enqueue(ADO_EVENTS_QUEUE, live.id, live);
    env.processor.accepted(live);
    await env.processor.idle();

    const reads = env.reads();
    const backlogReads = reads.filter((id) => id !== liveRun.id);
    expect(backlogReads).toHaveLength(RUNS * ((RUNS * PER_RUN) / BATCH));
    // Read while the first batches were drained, not after the 500 older events…
    expect(reads.indexOf(liveRun.id)).toBeLessThan(2 * RUNS + 1);
    // …and only once: its queued copy left the queue without another read.
    expect(reads.filter((id) => id === liveRun.id)).toHaveLength(1);
    expect(await env.store.queueLength(ADO_EVENTS_QUEUE)).toBe(0);
    const liveCards = env.sender.calls.filter((c) => c.shows?.runCard?.runId === liveRun.id);
    expect(liveCards.map((c) => c.method)).toContain('send');
  });
});
