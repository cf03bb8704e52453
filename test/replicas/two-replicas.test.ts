import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { postActivity } from '../support/activities';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import {
  ENGINEER,
  RELEASE,
  buttonData,
  chatActivity,
  clickActivity,
  eventually,
  isRunCard,
  registerPeople,
  repliesTo,
  runCardIn,
  runState,
  say,
  sleep,
  text,
} from './replica-kit';

/**
 * Two bot processes sharing one Azure Storage account (Azurite), one Azure DevOps (the emulator)
 * and one Teams (the fake connector): what one replica does, the other knows; an activity or a
 * service hook delivered to both has one effect; when the polling replica dies, the other one
 * takes over within a lease.
 */
const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
const SECRET = 'replica-webhook-secret-0123456789';
const POLL_MS = 250;
// Blob leases (the Azure store's) hold at least 15 s, timed by the storage service.
const LEASE_MS = 15_000;
const OPS = '19:replica-ops@thread.tacv2';
const DEPLOYS = '19:replica-deploys@thread.tacv2';

describe('two replicas on Azure Storage', () => {
  let azurite: RunningAzurite;
  let emu: Emulator;
  let connector: FakeConnector;
  let a: BotProcess;
  let b: BotProcess;
  let table: TableClient;
  const bots: BotProcess[] = [];
  let hookIds: string[] = [];

  beforeAll(async () => {
    [azurite, emu, connector] = await Promise.all([
      startAzurite(),
      startEmulator({
        catalog,
        taskMs: 30,
        seed: true,
        serviceIdentityIsApprover: true,
        hooks: [],
      }),
      startFakeConnector(),
    ]);
    registerPeople(connector);
    const env = {
      CHATOPS_STORE: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      ADO_ORG_URL: emu.orgUrl,
      ADO_PROJECT: emu.project,
      ADO_PAT: emu.pat,
      ADO_WEBHOOK_SECRET: SECRET,
      CHATOPS_POLL_INTERVAL_MS: String(POLL_MS),
      CHATOPS_LEASE_MS: String(LEASE_MS),
    };
    // One first, so the second finds the table, container and signing key already there.
    a = await startBotProcess(env);
    bots.push(a);
    b = await startBotProcess(env);
    bots.push(b);
    table = TableClient.fromConnectionString(azurite.connectionString, 'chatops', {
      allowInsecureConnection: true,
    });
    // Azure DevOps delivers every service hook to both replicas (two subscriptions).
    hookIds = [a, b].map((bot) =>
      emu.hooks.add({
        url: `${bot.url}/api/ado-events`,
        basicAuth: { username: 'ado', password: SECRET },
      }),
    );
  }, 120_000);

  afterAll(async () => {
    for (const bot of bots) await bot.stop();
    await emu?.close();
    await connector?.close();
    await azurite?.stop();
  });

  const lastRunId = () => Math.max(0, ...emu.engine.runs().map((r) => r.id));
  const runsAfter = (id: number) => emu.engine.runs().filter((r) => r.id > id);
  const inConv = (conversationId: string) =>
    connector.calls.filter((c) => c.conversationId === conversationId);
  const runCardPosts = (conversationId: string, runId: number) =>
    inConv(conversationId).filter((c) => c.method === 'POST' && isRunCard(c, runId));
  const logsOf = () => bots.map((bot) => `--- pid ${bot.pid}\n${bot.logs.join('\n')}`).join('\n');

  async function pollerLeaseHolder(): Promise<{ pid: number; expiresAt: number } | undefined> {
    try {
      const e = await table.getEntity<{ holder: string; expiresAt: string }>('lease', 'poller');
      const pid = Number(/^replica-(\d+)-/.exec(e.holder)?.[1]);
      return { pid, expiresAt: Number(e.expiresAt) };
    } catch {
      return undefined;
    }
  }

  it('commands alternate between the replicas and see the same state (locks, subscriptions)', async () => {
    const locked = await say(a, connector, 'lock qa testing the new model', OPS, {
      from: ENGINEER,
    });
    expect(text(locked)).toMatch(/locked/i);
    const before = lastRunId();
    const refused = await say(b, connector, 'deploy qa model v3', OPS);
    expect(text(refused)).toContain('QA is locked');
    expect(text(refused)).toContain('Mo Engineer');
    expect(runsAfter(before)).toHaveLength(0);
    expect(text(await say(b, connector, 'locks', OPS))).toContain('Mo Engineer');
    await say(b, connector, 'unlock qa', OPS, { from: ENGINEER });
    expect(text(await say(a, connector, 'locks', OPS))).not.toContain('Mo Engineer');

    expect(text(await say(a, connector, 'subscribe', OPS))).toMatch(/subscribed/i);
    const listed = await say(b, connector, 'subscriptions', OPS);
    expect(text(listed)).not.toMatch(/no subscriptions|not subscribed/i);
    expect(text(listed)).toMatch(/everything|all runs|every/i);
  });

  it('one activity delivered to both replicas is answered once; a Confirm delivered to both queues ONE run', async () => {
    const before = lastRunId();
    const ask = chatActivity(connector, 'deploy prod model v3', DEPLOYS);
    const statuses = await Promise.all([postActivity(a.url, ask), postActivity(b.url, ask)]);
    expect(statuses.map((s) => s.status)).toEqual([200, 200]);
    const [question] = await connector.waitFor(1, (c) => c.activityId === ask.id);
    await sleep(500);
    expect(repliesTo(connector, ask.id as string)).toHaveLength(1);
    expect(text(question!)).toContain('Deploy model v3 to Production?');
    expect(runsAfter(before)).toHaveLength(0);

    // The same click delivered to both (a retried invoke), and a double click hitting both.
    const confirm = buttonData(question!, 'confirm.accept');
    const click = clickActivity(connector, 'confirm.accept', confirm, DEPLOYS, question!.id);
    const clicked = await Promise.all([postActivity(a.url, click), postActivity(b.url, click)]);
    expect(clicked.map((r) => r.status).sort()).toEqual([200, 409]);
    const again = clickActivity(connector, 'confirm.accept', confirm, DEPLOYS, question!.id);
    const doubled = await Promise.all([postActivity(b.url, again), postActivity(a.url, again)]);
    expect(doubled.map((r) => r.status).sort()).toEqual([200, 409]);
    const third = clickActivity(connector, 'confirm.accept', confirm, DEPLOYS, question!.id);
    expect((await postActivity(b.url, third)).status).toBe(200);

    const runs = runsAfter(before);
    expect(runs).toHaveLength(1);
    const runId = runs[0]!.id;
    await connector.waitFor(1, (c) => c.conversationId === DEPLOYS && isRunCard(c, runId));

    await emu.engine.waitFor(runId, () => emu.engine.pendingApprovals(runId).length === 1, 15_000);
    const approved = await say(b, connector, 'approve prod ship it', DEPLOYS, { from: RELEASE });
    expect(text(approved)).toContain('Approved');
    await emu.engine.waitFor(runId, (r) => r.status === 'completed', 15_000);
    for (const conv of [DEPLOYS, OPS]) {
      await connector.waitFor(1, runCardIn(conv, runId, 'Succeeded'), 15_000);
    }
    await sleep(1000);
    expect(runsAfter(before)).toHaveLength(1);
    // One run card per chat: the reply in DEPLOYS, the notification in the subscribed OPS.
    expect(runCardPosts(DEPLOYS, runId)).toHaveLength(1);
    expect(runCardPosts(OPS, runId)).toHaveLength(1);
  }, 60_000);

  it('service hooks delivered to both replicas give one run card in the subscribed channel, updated in place', async () => {
    const before = lastRunId();
    await say(b, connector, 'deploy custom-qa model v3', DEPLOYS, { from: ENGINEER });
    const runId = runsAfter(before)[0]!.id;
    await emu.engine.waitFor(runId, (r) => r.status === 'completed', 15_000);
    const final = await connector.waitFor(1, runCardIn(OPS, runId, 'Succeeded'), 15_000);
    await emu.hooks.idle();
    await sleep(800);
    const posts = runCardPosts(OPS, runId);
    expect(posts).toHaveLength(1);
    const updates = inConv(OPS).filter((c) => c.method === 'PUT' && isRunCard(c, runId));
    expect(updates.every((u) => u.id === posts[0]!.id)).toBe(true);
    expect(final[0]!.id).toBe(posts[0]!.id);

    // Every event of this run reached both replicas, and both acknowledged it.
    const deliveries = emu.hooks
      .deliveries()
      .filter((d) => JSON.stringify(d.body).includes(`buildId=${runId}"`));
    const targets = new Set(deliveries.filter((d) => d.ok).map((d) => d.url));
    expect(targets).toEqual(new Set([`${a.url}/api/ado-events`, `${b.url}/api/ado-events`]));
    expect(deliveries.every((d) => d.ok)).toBe(true);

    // Azure DevOps redelivering all of it to both replicas at once changes nothing.
    const callsBefore = connector.calls.length;
    const auth = `Basic ${Buffer.from(`ado:${SECRET}`).toString('base64')}`;
    const replays = await Promise.all(
      deliveries.flatMap((d) =>
        [a, b].map((bot) =>
          fetch(`${bot.url}/api/ado-events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: auth },
            body: JSON.stringify(d.body),
          }).then((r) => r.status),
        ),
      ),
    );
    expect(replays.every((s) => s === 200)).toBe(true);
    await sleep(1500);
    expect(connector.calls.slice(callsBefore)).toEqual([]);
  }, 60_000);

  it('when the polling replica is killed, the other takes the lease and finishes its run card (no hooks)', async () => {
    for (const id of hookIds) emu.hooks.remove(id);
    const first = await eventually(pollerLeaseHolder, 5000, 'a poller lease');
    const starter = [a, b].find((bot) => bot.pid === first.pid)!;

    // The run is started, confirmed and its card posted by the replica polling at the time.
    const before = lastRunId();
    const question = await say(starter, connector, 'deploy prod model v2', DEPLOYS);
    const confirm = buttonData(question, 'confirm.accept');
    const click = clickActivity(connector, 'confirm.accept', confirm, DEPLOYS, question.id);
    expect((await postActivity(starter.url, click)).status).toBe(200);
    const runId = runsAfter(before)[0]!.id;
    const [card] = await connector.waitFor(
      1,
      (c) => c.conversationId === DEPLOYS && c.method === 'POST' && isRunCard(c, runId),
    );
    await emu.engine.waitFor(runId, () => emu.engine.pendingApprovals(runId).length === 1, 15_000);
    // Polling alone (no hooks) shows the wait in the subscribed channel.
    await connector.waitFor(1, runCardIn(OPS, runId, 'Waiting for approval'), 10_000);
    // Let the poster record the card's message id first: a crash between posting and recording
    // it is a known gap (Teams only returns the id after the post), not what this test is about.
    await sleep(500);
    // While idle the lease may pass between replicas (it follows the base interval, not the
    // back-off): kill whoever polls now.
    const holder = await eventually(pollerLeaseHolder, 5000, 'a poller lease');
    const victim = [a, b].find((bot) => bot.pid === holder.pid);
    expect(victim).toBeDefined();
    const survivor = victim === a ? b : a;

    await victim!.kill9();
    const killedAt = Date.now();
    const approved = await say(survivor, connector, 'approve prod', DEPLOYS, { from: RELEASE });
    expect(text(approved)).toContain('Approved');
    await emu.engine.waitFor(runId, (r) => r.status === 'completed', 15_000);
    const completedAt = Date.now();
    await connector
      .waitFor(
        1,
        (c) => c.method === 'PUT' && c.id === card!.id && runState(c) === 'Succeeded',
        LEASE_MS + 10_000,
      )
      .catch((err: Error) => {
        throw new Error(`${err.message}\n${logsOf()}`);
      });
    const updatedAt = Date.now();
    // The survivor took over within a lease of the kill (plus a poll interval and the run's
    // own remaining time).
    expect(updatedAt - Math.max(killedAt + LEASE_MS, completedAt)).toBeLessThan(
      LEASE_MS + 4 * POLL_MS + 2000,
    );
    await connector.waitFor(1, runCardIn(OPS, runId, 'Succeeded'), 5000);
    expect((await pollerLeaseHolder())?.pid).toBe(survivor.pid);
    await sleep(800);
    expect(runCardPosts(DEPLOYS, runId)).toHaveLength(1);
    expect(runCardPosts(OPS, runId)).toHaveLength(1);
  }, 60_000);
});
