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
import { EventProcessor } from '../../src/notifications/event-processor';
import {
  startNotifications,
  type Notifications,
} from '../../src/notifications/start-notifications';
import { MemoryStore } from '../../src/store/memory-store';
import { addSubscription } from '../../src/subscriptions/add-subscription';
import type { SubscriptionFilterInput } from '../../src/subscriptions/subscription';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { testLogger } from '../notifications/notification-fixtures';

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
const SECRET = 'e2e-webhook-secret-0123456789';

interface Harness {
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
async function startHarness(opts: { hooks: boolean; taskMs: number }): Promise<Harness> {
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

async function subscribe(
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
async function queueProd(h: Harness, correlationId: string) {
  const run = await h.devops.runPipeline({
    pipelineKey: 'prod',
    parameters: { modelVersion: '3' },
    correlationId,
  });
  await saveRunRecord(h.store, {
    runId: run.id,
    pipelineKey: 'prod',
    environment: 'prod',
    model: 'v3',
    parameters: { modelVersion: '3' },
    requestedBy: { id: 'alex', name: 'Alex Wilber', teamsId: '29:alex' },
    conversationId: 'a:alex',
    queuedAt: Date.now(),
  });
  return run;
}

/** Approves once the approval card reached the channel (people approve after seeing it). */
async function approveWhenPending(h: Harness, runId: number): Promise<void> {
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

async function settle(h: Harness): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await h.emu.hooks.idle();
    await h.notifications.processor.idle();
    await new Promise((r) => setTimeout(r, 50));
  }
}

const inConv = (h: Harness, id: string) => h.connector.calls.filter((c) => c.conversationId === id);

function post(
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

const basic = (pass: string) => `Basic ${Buffer.from(`ado:${pass}`).toString('base64')}`;

describe('notifications end to end (service hooks)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ hooks: true, taskMs: 15 });
    await subscribe(h.store, '19:ops@thread.tacv2', { pipelines: ['prod'] });
    await subscribe(h.store, '19:failures@thread.tacv2', { results: ['failed'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('a prod run gives ONE live card in the channel, an approval card, a completion update and a personal message', async () => {
    const run = await queueProd(h, 'e2e-1');
    await approveWhenPending(h, run.id);
    const ops = '19:ops@thread.tacv2';
    await h.connector.waitFor(1, (c) => c.conversationId === 'a:alex', 15_000);
    await settle(h);

    const calls = inConv(h, ops);
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(2); // the run card and the approval card
    const runCard = posts.find((c) => text(c).includes('Deploy Production'))!;
    const approvalCard = posts.find((c) => c !== runCard)!;
    expect(text(approvalCard)).toContain('Waiting for approval');
    const runUpdates = calls.filter((c) => c.method === 'PUT' && c.id === runCard.id);
    expect(runUpdates.length).toBeGreaterThanOrEqual(2);
    expect(text(runUpdates.at(-1)!)).toContain('Succeeded');
    // It showed the approval wait at some point (posted or updated), then the result.
    expect([runCard, ...runUpdates].some((c) => text(c).includes('Waiting for approval'))).toBe(
      true,
    );
    // Every PUT is an in-place update of one of the two posted cards.
    expect(
      calls
        .filter((c) => c.method === 'PUT')
        .every((c) => c.id === runCard.id || c.id === approvalCard.id),
    ).toBe(true);
    expect(
      calls.some(
        (c) => c.method === 'PUT' && c.id === approvalCard.id && text(c).includes('Approved'),
      ),
    ).toBe(true);

    expect(inConv(h, '19:failures@thread.tacv2')).toEqual([]);
    const personal = inConv(h, 'a:alex');
    expect(personal).toHaveLength(1);
    expect(text(personal[0]!)).toContain('Your deploy to Production succeeded');
  });

  it('redeliveries (3×, out of order) and a processor restart change nothing', async () => {
    const before = h.connector.calls.length;
    const bodies = h.emu.hooks
      .deliveries()
      .filter((d) => d.ok)
      .map((d) => JSON.stringify(d.body))
      .reverse();
    await h.notifications.processor.stop();
    for (let i = 0; i < 3; i++) {
      for (const body of bodies) {
        const res = await post(`${h.url}/api/ado-events`, body, {
          'content-type': 'application/json',
          authorization: basic(SECRET),
        });
        expect(res.status).toBe(200);
      }
    }
    const { logger } = testLogger();
    const restarted = new EventProcessor({
      store: h.store,
      devops: h.devops,
      catalog,
      clock: systemClock,
      logger,
      publisher: h.notifications.publisher,
    });
    await restarted.drain();
    expect(await h.store.queueLength('ado-events')).toBe(0);
    expect(h.connector.calls.length).toBe(before);
    h.notifications.processor.start();
  });

  it('429 with Retry-After and 503s still deliver every notification exactly once', async () => {
    const before = h.connector.calls.length;
    h.connector.failNext(2, 429, { 'Retry-After': '1' });
    h.connector.failNext(2, 503);
    const run = await queueProd(h, 'e2e-2');
    await approveWhenPending(h, run.id);
    await h.connector.waitFor(2, (c) => c.conversationId === 'a:alex', 25_000);
    await settle(h);
    expect(await h.notifications.publisher.outboxLength()).toBe(0);
    const calls = h.connector.calls.slice(before);
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts.filter((c) => c.conversationId === '19:ops@thread.tacv2')).toHaveLength(2);
    expect(posts.filter((c) => c.conversationId === 'a:alex')).toHaveLength(1);
    const runCard = posts.find((c) => text(c).includes('Deploy Production'))!;
    const last = calls.filter((c) => c.method === 'PUT' && c.id === runCard.id).at(-1)!;
    expect(text(last)).toContain('Succeeded');
  }, 40_000);

  it('refuses bad deliveries (401/401/400/400/413), acknowledges unhandled types, keeps answering /healthz', async () => {
    const ok = JSON.stringify({ id: 'x1', eventType: 'git.push', resource: {} });
    const json = { 'content-type': 'application/json' };
    expect(
      (await post(`${h.url}/api/ado-events`, ok, { ...json, authorization: basic('wrong') }))
        .status,
    ).toBe(401);
    expect((await post(`${h.url}/api/ado-events`, ok, json)).status).toBe(401);
    expect(
      (
        await post(`${h.url}/api/ado-events`, '{"id": "x", oops', {
          ...json,
          'x-chatops-secret': SECRET,
        })
      ).status,
    ).toBe(400);
    // A type the bot does not handle is acknowledged (a 4xx would put the subscription on
    // probation) and not stored.
    const unknown = await post(`${h.url}/api/ado-events`, ok, {
      ...json,
      'x-chatops-secret': SECRET,
    });
    expect(unknown.status).toBe(200);
    expect(JSON.parse(unknown.body)).toEqual({ status: 'ignored' });
    const typeless = JSON.stringify({ id: 'x2', resource: {} });
    expect(
      (await post(`${h.url}/api/ado-events`, typeless, { ...json, 'x-chatops-secret': SECRET }))
        .status,
    ).toBe(400);
    const huge = Buffer.alloc(5 * 1024 * 1024, 'a');
    expect(
      (await post(`${h.url}/api/ado-events`, huge, { ...json, 'x-chatops-secret': SECRET })).status,
    ).toBe(413);
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(h.lines.join('')).not.toContain(SECRET);
  });
});

describe('notifications end to end (polling, no service hooks)', () => {
  let h: Harness;
  beforeAll(async () => {
    // Slow tasks: runs stay where they are between polls unless the test moves them.
    h = await startHarness({ hooks: false, taskMs: 120_000 });
    // Not starts: 100 new cards would hide what the test looks at.
    await subscribe(h.store, '19:ops@thread.tacv2', { events: ['stageChanged', 'completed'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('100 tracked runs cost one Build API request per interval, and cards stay current', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 100; i++) {
      const run = await h.devops.runPipeline({
        pipelineKey: 'dev-cleanup',
        parameters: {},
        correlationId: `poll-${i}`,
      });
      ids.push(run.id);
      await h.notifications.trackRun(run.id);
    }
    await h.notifications.poller.pollOnce(); // first sight of each run
    const builds = { method: 'GET', path: /_apis\/build\/builds/i };
    h.emu.requestLog.clear();
    for (let i = 0; i < 3; i++) {
      const r = await h.notifications.poller.pollOnce();
      expect(r).toMatchObject({ leader: true, tracked: 100, changed: 0, buildCalls: 1 });
    }
    expect(h.emu.requestLog.count(builds)).toBe(3);
    expect(inConv(h, '19:ops@thread.tacv2')).toEqual([]);

    await h.devops.cancelRun(ids[42]!);
    for (let i = 0; i < 100 && inConv(h, '19:ops@thread.tacv2').length === 0; i++) {
      await h.notifications.poller.pollOnce();
      await new Promise((r) => setTimeout(r, 20));
    }
    const [card] = inConv(h, '19:ops@thread.tacv2');
    expect(card?.method).toBe('POST');
    expect(text(card!)).toContain('Canceling'); // the emulator finishes a cancel after the running task
    expect(h.notifications.poller.currentIntervalMs()).toBe(600_000);
  }, 60_000);
});
