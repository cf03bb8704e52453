import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';
import { postActivity } from '../support/activities';
import { startBotProcess, type BotProcess } from '../support/bot-process';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import {
  ENGINEER,
  RELEASE,
  buttonData,
  clickActivity,
  isRunCard,
  registerPeople,
  runState,
  say,
  sleep,
  text,
} from './replica-kit';

/**
 * The bot is SIGKILLed while a prod run waits for approval and started again on the same SQLite
 * file (on a new port): the run's card is finished in place, subscriptions and locks are intact,
 * and nothing is posted twice.
 */
const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
const SECRET = 'restart-webhook-secret-0123456789';
const OPS = '19:restart-ops@thread.tacv2';

describe('state survives a crash (SQLite, one bot process killed and started again)', () => {
  let dir: string;
  let emu: Emulator;
  let connector: FakeConnector;
  const bots: BotProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chatops-restart-'));
    [emu, connector] = await Promise.all([
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
    env = {
      CHATOPS_STORE: `sqlite:${join(dir, 'chatops.db')}`,
      ADO_ORG_URL: emu.orgUrl,
      ADO_PROJECT: emu.project,
      ADO_PAT: emu.pat,
      ADO_WEBHOOK_SECRET: SECRET,
      CHATOPS_POLL_INTERVAL_MS: '300',
      CHATOPS_LEASE_MS: '1500',
    };
  }, 60_000);

  afterAll(async () => {
    for (const bot of bots) await bot.stop();
    await emu?.close();
    await connector?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<{ bot: BotProcess; hookId: string }> {
    const bot = await startBotProcess(env);
    bots.push(bot);
    const hookId = emu.hooks.add({
      url: `${bot.url}/api/ado-events`,
      basicAuth: { username: 'ado', password: SECRET },
    });
    return { bot, hookId };
  }

  it('finishes the run card in place after SIGKILL + restart; subscriptions and locks are intact', async () => {
    const first = await start();
    expect(text(await say(first.bot, connector, 'subscribe', OPS))).toMatch(/subscribed/i);
    expect(
      text(
        await say(first.bot, connector, 'lock qa testing the new model', OPS, { from: ENGINEER }),
      ),
    ).toMatch(/locked/i);

    const question = await say(first.bot, connector, 'deploy prod model v3', OPS);
    const click = clickActivity(
      connector,
      'confirm.accept',
      buttonData(question, 'confirm.accept'),
      OPS,
      question.id,
    );
    expect((await postActivity(first.bot.url, click)).status).toBe(200);
    const runId = Math.max(...emu.engine.runs().map((r) => r.id));
    const [card] = await connector.waitFor(
      1,
      (c) => c.conversationId === OPS && c.method === 'POST' && isRunCard(c, runId),
    );
    await emu.engine.waitFor(runId, () => emu.engine.pendingApprovals(runId).length === 1, 15_000);
    const approvalId = emu.engine.pendingApprovals(runId)[0]!.id;
    // Approval cards the notifications posted (not answers to a command, not the run card).
    const commandReplies = new Set<string>();
    const approvalPosts = () =>
      connector.calls.filter(
        (c) =>
          c.conversationId === OPS &&
          c.method === 'POST' &&
          !commandReplies.has(c.id) &&
          !isRunCard(c, runId) &&
          text(c).includes(approvalId),
      );
    // The approval card is in the channel and the run card shows the wait: then the crash.
    await connector.waitFor(1, (c) => approvalPosts().includes(c), 10_000);
    await connector.waitFor(
      1,
      (c) => c.id === card!.id && runState(c) === 'Waiting for approval',
      10_000,
    );
    await sleep(500); // let it record what it posted (a crash in between is another story)
    await first.bot.kill9();
    emu.hooks.remove(first.hookId);

    const second = await start();
    expect(second.bot.port).not.toBe(first.bot.port);
    const approved = await say(second.bot, connector, 'approve prod ship it', OPS, {
      from: RELEASE,
    });
    expect(text(approved)).toContain('Approved');
    commandReplies.add(approved.id);
    await emu.engine.waitFor(runId, (r) => r.status === 'completed', 15_000);
    const [final] = await connector.waitFor(
      1,
      (c) => c.method === 'PUT' && c.id === card!.id && runState(c) === 'Succeeded',
      15_000,
    );
    expect(final!.conversationId).toBe(OPS);
    // The approval card posted before the crash is updated in place too.
    await connector.waitFor(
      1,
      (c) => c.method === 'PUT' && c.id === approvalPosts()[0]!.id && text(c).includes('Approved'),
      10_000,
    );

    const subscriptions = await say(second.bot, connector, 'subscriptions', OPS);
    expect(text(subscriptions)).toMatch(/everything|all runs|every/i);
    const locks = await say(second.bot, connector, 'locks', OPS);
    expect(text(locks)).toContain('Mo Engineer');
    expect(text(locks)).toContain('testing the new model');

    await emu.hooks.idle();
    await sleep(1000);
    // Nothing twice: one run card, one approval card, every run-card update on that one message.
    expect(
      connector.calls.filter((c) => c.method === 'POST' && isRunCard(c, runId)).map((c) => c.id),
    ).toEqual([card!.id]);
    expect(approvalPosts()).toHaveLength(1);
    expect(
      connector.calls
        .filter((c) => c.method === 'PUT' && isRunCard(c, runId))
        .every((c) => c.id === card!.id),
    ).toBe(true);
  }, 80_000);
});
