import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { postActivity } from '../support/activities';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { ENGINEER, chatActivity, registerPeople, repliesTo, sleep, text } from './replica-kit';

/**
 * The bot dies after taking a message and before its run is queued (SIGKILL while Azure DevOps
 * is slow to answer the queue request). Teams redelivers the same activity to the restarted bot:
 * it is handled, once — one run, one answer — and a later redelivery is a duplicate.
 */
const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
const CHAT = 'a:redelivery-engineer';

describe('a command survives a crash between taking it and queuing its run', () => {
  let dir: string;
  let emu: Emulator;
  let connector: FakeConnector;
  const bots: BotProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chatops-redelivery-'));
    [emu, connector] = await Promise.all([
      startEmulator({ catalog, taskMs: 30, seed: true, hooks: [] }),
      startFakeConnector(),
    ]);
    registerPeople(connector);
    env = {
      CHATOPS_STORE: `sqlite:${join(dir, 'chatops.db')}`,
      ADO_ORG_URL: emu.orgUrl,
      ADO_PROJECT: emu.project,
      ADO_PAT: emu.pat,
      CHATOPS_POLL_INTERVAL_MS: '300',
      CHATOPS_LEASE_MS: '1500',
      // The `command` line says the message was taken.
      LOG_LEVEL: 'info',
    };
  }, 60_000);

  afterAll(async () => {
    for (const bot of bots) if (!bot.exited()) await bot.stop();
    await emu?.close();
    await connector?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<BotProcess> {
    const bot = await startBotProcess(env);
    bots.push(bot);
    return bot;
  }

  it('queues the run once and answers once when Teams redelivers the message after the crash', async () => {
    const qaRuns = () => emu.engine.runs().filter((r) => r.pipelineKey === 'qa');
    const runsBefore = qaRuns().length;
    const activity = chatActivity(connector, 'deploy qa model v2', CHAT, {
      from: ENGINEER,
      id: `redelivered-${randomUUID()}`,
    });
    const id = activity.id as string;
    // Azure DevOps hangs on the queue request, then drops it: nothing is queued by it.
    emu.faults.add({ method: 'POST', path: /\/runs/, latencyMs: 5_000, drop: true, times: 1 });

    const first = await start();
    void postActivity(first.url, activity).catch(() => undefined);
    for (let i = 0; i < 100 && !first.logs.some((l) => l.includes(id)); i++) await sleep(100);
    expect(first.logs.some((l) => l.includes(id))).toBe(true);
    await sleep(300);
    await first.kill9();
    expect(qaRuns()).toHaveLength(runsBefore);
    expect(repliesTo(connector, id)).toEqual([]);

    // Teams redelivers later; by then the dead instance has stopped saying it is alive (6 s).
    await sleep(6_500);
    const second = await start();
    expect((await postActivity(second.url, activity)).status).toBe(200);
    const [answer] = await connector.waitFor(
      1,
      (c) => c.method === 'POST' && c.activityId === id,
      15_000,
    );
    expect(text(answer!)).toContain('[QA]-Deploy');
    expect(qaRuns()).toHaveLength(runsBefore + 1);

    // Teams tries once more: now it is done, so nothing new happens.
    expect((await postActivity(second.url, activity)).status).toBe(200);
    await sleep(1_000);
    expect(qaRuns()).toHaveLength(runsBefore + 1);
    expect(repliesTo(connector, id)).toHaveLength(1);
  }, 120_000);
});
