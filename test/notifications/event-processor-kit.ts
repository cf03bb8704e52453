import { rememberRunCard } from '../../src/conversations/run-card';
import { saveRunRecord } from '../../src/use-cases/run-record';
import type { Catalog } from '../../src/catalog/catalog-schema';
import type { RunSummary } from '../../src/devops/devops-port';
import { EventProcessor } from '../../src/notifications/event-processor';
import { MemoryStore } from '../../src/store/memory-store';
import { addSubscription } from '../../src/subscriptions/add-subscription';
import type { SubscriptionFilterInput } from '../../src/subscriptions/subscription';
import { InMemoryDevOps } from '../support/in-memory-devops';
import {
  FakeChannel,
  PERSONAL,
  catalog,
  manualClock,
  testLogger,
  testPublisher,
} from './notification-fixtures';

/** The event processor over the real publisher, a recording channel and in-memory DevOps. */
const actor = { id: 'alex', name: 'Alex Wilber' };

export function setup(cat: Catalog = catalog) {
  const clock = manualClock(Date.parse('2026-11-26T10:00:00Z'));
  const store = new MemoryStore({ clock });
  const devops = new InMemoryDevOps(cat, { clock });
  const sender = new FakeChannel();
  const { logger, lines } = testLogger();
  const publisher = testPublisher(store, clock, logger, sender);
  const make = () =>
    new EventProcessor({ store, devops, catalog: cat, clock, logger, publisher, holderId: 'p1' });
  return { clock, store, devops, sender, lines, processor: make(), make };
}

export async function subscribe(
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

export async function queueProdRun(env: ReturnType<typeof setup>): Promise<RunSummary> {
  const run = await env.devops.runPipeline({
    pipelineKey: 'prod',
    parameters: { modelVersion: '3' },
    correlationId: 'c1',
  });
  await saveRunRecord(env.store, {
    runId: run.id,
    pipelineKey: 'prod',
    environment: 'prod',
    model: '3',
    parameters: { modelVersion: '3' },
    requestedBy: { id: 'alex', name: 'Alex Wilber', teamsId: '29:alex' },
    conversationId: PERSONAL,
    queuedAt: env.clock.now(),
  });
  return run;
}

/**
 * A prod run Alex asked for in his personal chat, rejected at its approval with `comment` (as
 * Azure DevOps records it), and the completed event that tells the processor. With
 * `cardInPersonal`, the run's live card is in his chat.
 */
export async function rejectProdRun(
  env: ReturnType<typeof setup>,
  comment: string,
  opts: { cardInPersonal?: boolean } = {},
): Promise<RunSummary> {
  const run = await queueProdRun(env);
  if (opts.cardInPersonal) {
    await rememberRunCard(env.store, {
      runId: run.id,
      conversationId: PERSONAL,
      activityId: 'card-1',
      lastUpdate: env.clock.now(),
    });
  }
  const approval = env.devops.advance(run.id, 'waiting')!;
  const decided = await env.devops.decideApproval(approval.id, 'rejected', comment);
  await env.processor.handle({
    id: `rejected-${run.id}`,
    source: 'webhook',
    runId: run.id,
    kind: 'completed',
    approval: { id: decided.id, pending: false },
  });
  return run;
}

/** A run-state-changed envelope like the emulator's. */
export function runStateEnvelope(id: string, run: RunSummary, state: string, result?: string) {
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
