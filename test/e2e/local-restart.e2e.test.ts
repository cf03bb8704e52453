import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageActivity, postActivity } from '../support/activities';
import { runCardRunId, text } from '../support/card-inspection';
import type { ConnectorCall } from '../support/fake-connector';
import { startTestApp, type TestApp } from '../support/start-test-app';

/**
 * `npm start` twice on the same SQLite file (local mode's default store): the in-process emulator
 * forgets its runs, the store does not. A second session must never give a new run the id of a
 * run the first one showed (its card, record and retry are still remembered).
 */
describe('local mode restarted on the same store', () => {
  let dir: string;
  let t: TestApp | undefined;
  const conversationId = 'a:restart-personal-chat';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatops-restart-'));
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = () =>
    startTestApp({ CHATOPS_STORE: `sqlite:${join(dir, 'chatops.db')}` }).then((app) => (t = app));

  async function say(app: TestApp, words: string): Promise<ConnectorCall> {
    const before = app.connector.calls.length;
    const activity = messageActivity(words, { serviceUrl: app.connector.url, conversationId });
    expect((await postActivity(app.app.url, activity)).status).toBe(200);
    return (await app.connector.waitFor(before + 1))[before]!;
  }

  const runIds = (app: TestApp) => app.app.emulator!.engine.runs().map((r) => r.id);
  /** The build number a run card shows next to its id ("run #122 · 20261129.1"). */
  const buildNumberOf = (c: ConnectorCall) => /· run #\d+ · ([\d.]+)/.exec(text(c))?.[1];

  it('queues the next session’s runs above every run the first one showed, and answers normally', async () => {
    const first = await start();
    const seeded = Math.max(...runIds(first));
    const answer1 = await say(first, 'deploy qa model v2');
    const firstRun = runCardRunId(answer1);
    expect(firstRun).toBe(seeded + 1);
    // The run ends and its live card in this chat is updated: the store remembers that card.
    await first.app.emulator!.engine.waitFor(firstRun!, (r) => r.status === 'completed', 10_000);
    await first.connector.waitFor(1, (c) => c.method === 'PUT' && c.id === answer1.id);
    await first.close();
    t = undefined;

    const second = await start();
    // The seeded history is the same fake past as before, with the same ids.
    expect(Math.max(...runIds(second))).toBe(seeded);
    const answer2 = await say(second, 'deploy qa model v3');
    expect(answer2.method).toBe('POST');
    expect(text(answer2)).not.toContain('Something went wrong');
    const secondRun = runCardRunId(answer2);
    expect(secondRun).toBeGreaterThan(firstRun!);
    expect(runIds(second)).toContain(secondRun);
    // One name per run in the chat: not a second qa build of the same day with the same number.
    expect(buildNumberOf(answer1)).toMatch(/^\d{8}\.\d+$/);
    expect(buildNumberOf(answer2)).not.toBe(buildNumberOf(answer1));
  }, 30_000);
});
