import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { TeamsChannel } from '../../src/bot/teams-channel';
import type { Catalog } from '../../src/catalog/catalog-schema';
import { systemClock } from '../../src/clock/clock';
import { saveConversation } from '../../src/conversations/save-conversation';
import { createAdoDevOps } from '../../src/devops/ado-devops';
import { startEmulator } from '../../src/emulator/start-emulator';
import { createLogger } from '../../src/logging/create-logger';
import { startNotifications } from '../../src/notifications/start-notifications';
import { MemoryStore } from '../../src/store/memory-store';
import { addSubscription } from '../../src/subscriptions/add-subscription';
import { startBenchConnector } from '../bench-connector';

export interface FanOutResult {
  conversations: number;
  /** Conversations whose first send was answered 429 with Retry-After. */
  throttled: number;
  retryAfterSeconds: number;
  /** Conversations that got the card. */
  delivered: number;
  /** Cards beyond one per conversation. */
  duplicates: number;
  /** Conversations that never got it within the deadline. */
  lost: number;
  /** From the event to the last card delivered. */
  allDeliveredMs: number;
  /** Sends the connector saw (including the throttled ones). */
  attempts: number;
}

/**
 * Scenario 4: one run event fanned out to N subscribed channels while the connector answers 429
 * with `Retry-After` to the first send of every third channel. Runs the product's notification
 * side (`startNotifications`: event processor + publisher + outbox) in this process
 * against its own emulator and connector, and feeds it the event directly.
 */
export async function measureFanOut(
  catalog: Catalog,
  o: { conversations: number; retryAfterSeconds: number; deadlineMs: number },
): Promise<FanOutResult> {
  const emu = await startEmulator({ catalog, taskMs: 600_000, seed: false });
  const connector = await startBenchConnector();
  const store = new MemoryStore();
  const logger = createLogger({ level: 'silent' });
  const devops = createAdoDevOps({
    orgUrl: emu.orgUrl,
    project: emu.project,
    catalog,
    auth: { pat: emu.pat },
  });
  const notifications = startNotifications({
    channel: new TeamsChannel({
      adapter: new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})),
      botAppId: '',
      store,
    }),
    store,
    devops,
    catalog,
    clock: systemClock,
    logger,
    secret: undefined,
    hooksEnabled: true,
    pollIntervalMs: 600_000,
    outboxIntervalMs: 200,
  });
  try {
    const ids = Array.from({ length: o.conversations }, (_, i) => `19:bench-${i}@thread.tacv2`);
    const throttle = new Set(ids.filter((_, i) => i % 3 === 0));
    for (const conversationId of ids) {
      await saveConversation(store, {
        conversationId,
        serviceUrl: connector.url,
        channelId: 'msteams',
        botId: '28:digitre-bot',
        tenantId: 'tenant-bench',
        conversationType: 'channel',
      });
      await addSubscription(store, systemClock, {
        conversationId,
        conversationType: 'channel',
        actor: { id: 'bench', name: 'Bench' },
        filter: {},
      });
    }
    const run = emu.queueRun('prod', { modelVersion: '3' });
    const throttledOnce = new Set<string>();
    connector.failures = (hit) => {
      if (hit.method !== 'POST' || !throttle.has(hit.conversationId)) return undefined;
      if (throttledOnce.has(hit.conversationId)) return undefined;
      throttledOnce.add(hit.conversationId);
      return { status: 429, headers: { 'Retry-After': String(o.retryAfterSeconds) } };
    };
    await devops.getRun(run.id); // the client's handshake, outside the timing
    const t0 = performance.now();
    await notifications.processor.handle({
      id: `bench-fanout-${run.id}`,
      source: 'webhook',
      runId: run.id,
      kind: 'started',
      pipelineKey: 'prod',
      pipelineName: '[Manual]-[Prod]-deployment',
    });
    const ok = () => connector.hits.filter((h) => h.method === 'POST' && h.status === 200);
    const deadline = t0 + o.deadlineMs;
    while (
      new Set(ok().map((h) => h.conversationId)).size < ids.length &&
      performance.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 500)); // late duplicates would show up now
    const delivered = ok();
    const per = new Map<string, number>();
    for (const h of delivered) per.set(h.conversationId, (per.get(h.conversationId) ?? 0) + 1);
    const last = Math.max(...delivered.map((h) => h.at));
    return {
      conversations: ids.length,
      throttled: throttledOnce.size,
      retryAfterSeconds: o.retryAfterSeconds,
      delivered: per.size,
      duplicates: [...per.values()].reduce((s, c) => s + (c - 1), 0),
      lost: ids.length - per.size,
      allDeliveredMs: per.size === ids.length ? last - t0 : NaN,
      attempts: connector.hits.filter((h) => h.method === 'POST').length,
    };
  } finally {
    await notifications.stop();
    await store.close();
    await connector.close();
    await emu.close();
  }
}
