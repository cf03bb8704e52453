import { text } from '../support/card-inspection';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { systemClock } from '../../src/clock/clock';
import { saveRunRecord } from '../../src/use-cases/run-record';
import { saveConversation } from '../../src/conversations/save-conversation';
import { createAdoDevOps, type AdoDevOps } from '../../src/devops/ado-devops';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { createHttpServer, type HttpServer } from '../../src/http/create-server';
import { createMetrics } from '../../src/metrics/metrics';
import { TeamsChannel } from '../../src/bot/teams-channel';
import {
  startNotifications,
  type Notifications,
} from '../../src/notifications/start-notifications';
import { MemoryStore } from '../../src/store/memory-store';
import { addSubscription } from '../../src/subscriptions/add-subscription';
import type { SubscriptionFilterInput } from '../../src/subscriptions/subscription';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { testLogger } from '../notifications/notification-fixtures';

// Shared by the notifications e2e tests (service hooks, polling): the real restify server with
// the notifications route, the emulator, a fake channel and the steps those tests repeat.

export const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
export const SECRET = 'e2e-webhook-secret-0123456789';

export interface Harness {
  emu: Emulator;
  devops: AdoDevOps;
  store: MemoryStore;
  connector: FakeConnector;
  notifications: Notifications;
  http: HttpServer;
  url: string;
  lines: string[];
  close(): Promise<void>;
}

/** The real restify server with the notifications route, the emulator and a fake channel. */
export async function startHarness(opts: { hooks: boolean; taskMs: number }): Promise<Harness> {
  const emu = await startEmulator({
    catalog,
    taskMs: opts.taskMs,
    serviceIdentityIsApprover: true,
    hookRetry: { baseMs: 100 },
  });
  const { logger, lines } = testLogger();
  const devops = createAdoDevOps({
    orgUrl: emu.orgUrl,
    project: emu.project,
    catalog,
    auth: { pat: emu.pat },
  });
  const store = new MemoryStore();
  const connector = await startFakeConnector();
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const metrics = createMetrics({ defaultMetrics: false });
  const notifications = startNotifications({
    channel: new TeamsChannel({ adapter, botAppId: '', store }),
    store,
    devops,
    catalog,
    clock: systemClock,
    logger,
    metrics,
    secret: SECRET,
    hooksEnabled: opts.hooks,
    // Tests drive the poller by hand.
    pollIntervalMs: 600_000,
    outboxIntervalMs: 200,
  });
  const http = createHttpServer({
    adapter,
    bot: new ActivityHandler(),
    logger,
    metrics,
    maxBodyBytes: 256 * 1024,
    isReady: () => true,
    extraRoutes: (s) => notifications.registerRoutes(s),
  });
  await new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(http.server.server.address() as AddressInfo).port}`;
  if (opts.hooks) {
    emu.hooks.add({
      url: `${url}/api/ado-events`,
      basicAuth: { username: 'ado', password: SECRET },
    });
  }
  const base = { serviceUrl: connector.url, channelId: 'msteams', botId: '28:bot', tenantId: 't1' };
  for (const id of ['19:ops@thread.tacv2', '19:failures@thread.tacv2']) {
    await saveConversation(store, { ...base, conversationId: id, conversationType: 'channel' });
  }
  await saveConversation(store, {
    ...base,
    conversationId: 'a:alex',
    conversationType: 'personal',
    userId: '29:alex',
  });
  return {
    emu,
    devops,
    store,
    connector,
    notifications,
    http,
    url,
    lines,
    async close() {
      await notifications.stop();
      await http.close();
      await emu.close();
      await connector.close();
    },
  };
}

/** Subscribes a channel to runs matching `filter`. */
export async function subscribe(
  store: MemoryStore,
  conversationId: string,
  filter: SubscriptionFilterInput,
) {
  await addSubscription(store, systemClock, {
    conversationId,
    conversationType: 'channel',
    actor: { id: 'lead', name: 'Lead' },
    filter,
  });
}

/** Queues a prod run as the bot would, remembering who asked (in their personal chat). */
export async function queueProd(h: Harness, correlationId: string) {
  const run = await h.devops.runPipeline({
    pipelineKey: 'prod',
    parameters: { modelVersion: '3' },
    correlationId,
  });
  await saveRunRecord(h.store, {
    runId: run.id,
    pipelineKey: 'prod',
    environment: 'prod',
    model: '3',
    parameters: { modelVersion: '3' },
    requestedBy: { id: 'alex', name: 'Alex Wilber', teamsId: '29:alex' },
    conversationId: 'a:alex',
    queuedAt: Date.now(),
  });
  return run;
}

/** Approves once the approval card reached the channel (people approve after seeing it). */
export async function approveWhenPending(h: Harness, runId: number): Promise<void> {
  await h.connector.waitFor(
    1,
    (c) =>
      c.method === 'POST' &&
      text(c).includes('Only the approvers') &&
      text(c).includes(`buildId=${runId}`),
    20_000,
  );
  for (let i = 0; i < 200; i++) {
    const [pending] = await h.devops.pendingApprovals({ runId });
    if (pending) {
      await h.devops.decideApproval(pending.id, 'approved', 'ship it');
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`run ${runId} never waited for approval`);
}

/** Lets hook deliveries and the event processor finish what is in flight. */
export async function settle(h: Harness): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await h.emu.hooks.idle();
    await h.notifications.processor.idle();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the bot sent to one conversation. */
export const inConv = (h: Harness, id: string) =>
  h.connector.calls.filter((c) => c.conversationId === id);

/** A raw POST (a Buffer body too), as Azure DevOps or an attacker would send it. */
export function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: { 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The basic-auth header the service hook sends, with password `pass`. */
export const basic = (pass: string) => `Basic ${Buffer.from(`ado:${pass}`).toString('base64')}`;
