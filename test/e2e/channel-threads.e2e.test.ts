import { ALEX, cardActionActivity, messageActivity, postActivity } from '../support/activities';
import { cardOf, executeActions, runCardRunId, text } from '../support/card-inspection';
import type { ConnectorCall } from '../support/fake-connector';
import { eventually, isRunCard, noSomethingWentWrong } from '../support/outage-kit';
import { startTestApp, type TestApp } from '../support/start-test-app';

/**
 * A run's posts in a Teams channel form one thread, as Microsoft's Azure Pipelines app threads
 * "all notifications linked to a pipeline run". Through the real app: CloudAdapter, botbuilder's
 * connector client over HTTP to the fake connector (which threads by `;messageid=` as Teams
 * does and refuses a thread with no root), the in-process emulator and its service hooks.
 */

const CHANNEL = '19:threads@thread.tacv2';
const PROD = '[Manual]-[Prod]-deployment';

describe("a run's posts in the notifications channel form one thread per run", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { outboxIntervalMs: 300 });
    // Installed in the team: its channel becomes the default notifications channel.
    await postActivity(t.app.url, {
      type: 'installationUpdate',
      action: 'add',
      id: 'install-1',
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: ALEX,
      recipient: { id: '28:digitre-bot', name: 'DigitRE' },
      conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true },
      channelData: { tenant: { id: 'tenant-1' }, channel: { id: CHANNEL } },
    });
    await t.connector.waitFor(1, (c) => c.conversationId === CHANNEL);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A new post in the channel, as Teams delivers it (its own thread); resolves its id. */
  async function postInChannel(words: string): Promise<string> {
    const root = t.connector.userPosted(CHANNEL);
    const activity = messageActivity(words, {
      serviceUrl: t.connector.url,
      conversationId: `${CHANNEL};messageid=${root}`,
      conversationType: 'channel',
      id: root,
    });
    expect((await postActivity(t.app.url, activity)).status).toBe(200);
    return root;
  }

  /** A message in Alex's personal chat. */
  async function sayInPersonal(words: string): Promise<void> {
    const activity = messageActivity(words, { serviceUrl: t.connector.url, conversationId: CHAT });
    expect((await postActivity(t.app.url, activity)).status).toBe(200);
  }

  /** Clicks Confirm on the confirm card `ask`, in the conversation (or thread) it is in. */
  async function confirm(ask: ConnectorCall, conversationId: string, type: 'channel' | 'personal') {
    const action = executeActions(cardOf(ask)).find((a) => a.verb === 'confirm.accept')!;
    const click = {
      ...cardActionActivity('confirm.accept', action.data, {
        serviceUrl: t.connector.url,
        conversationId,
        conversationType: type,
        from: ALEX,
      }),
      replyToId: ask.id,
    };
    expect((await postActivity(t.app.url, click)).status).toBe(200);
  }

  const CHAT = 'a:alex-threads';
  const asks = (conversationId: string) => (c: ConnectorCall) =>
    c.conversationId === conversationId && text(c).includes('Deploy model v3 to Production?');
  const channelPosts = () =>
    t.connector.calls.filter((c) => c.conversationId === CHANNEL && c.method === 'POST');
  const runCardIn = (conversationId: string, after: number) => (c: ConnectorCall) =>
    c.conversationId === conversationId &&
    c.method === 'POST' &&
    isRunCard(c, PROD) &&
    (runCardRunId(c) ?? 0) > after;
  const approvalCardOf = (runId: number) => (c: ConnectorCall) =>
    c.conversationId === CHANNEL &&
    c.method === 'POST' &&
    text(c).includes('approval.approve') &&
    text(c).includes(` · run #${runId} · `);
  /** Approves the run (local mode: anyone may) and waits for the channel card to say so. */
  async function approveAndFinish(runId: number, cardId: string) {
    await postInChannel('approve prod ship it');
    await t.connector.waitFor(
      1,
      (c) => c.method === 'PUT' && c.id === cardId && text(c).includes('Succeeded'),
      30_000,
    );
  }
  let lastRun = 0;

  it('a prod deploy typed in the channel: the run card and its approval card in the request thread', async () => {
    const before = channelPosts().length;
    const root = await postInChannel('deploy prod model v3');
    const [ask] = await t.connector.waitFor(1, asks(CHANNEL));
    expect(ask!.thread).toBe(root);
    await confirm(ask!, `${CHANNEL};messageid=${root}`, 'channel');
    const [runCard] = await t.connector.waitFor(1, runCardIn(CHANNEL, lastRun), 20_000);
    const runId = runCardRunId(runCard!)!;
    lastRun = runId;
    expect(runCard!.thread).toBe(root);
    const [approval] = await t.connector.waitFor(1, approvalCardOf(runId), 30_000);
    // Under the request, not a new post in the channel.
    expect(approval!.thread).toBe(root);
    await approveAndFinish(runId, runCard!.id);
    // Nothing about this run started a thread of its own: every post of it is under `root`.
    const ofRun = channelPosts()
      .slice(before)
      .filter((c) => text(c).includes(` · run #${runId} · `));
    expect(ofRun.length).toBeGreaterThanOrEqual(2);
    expect(ofRun.map((c) => c.thread)).toEqual(ofRun.map(() => root));
  }, 90_000);

  it('a run started elsewhere that the channel hears: its run card is the root, its approval card a reply', async () => {
    await sayInPersonal('deploy prod model v3');
    const [ask] = await t.connector.waitFor(1, asks(CHAT));
    await confirm(ask!, CHAT, 'personal');
    const [root] = await t.connector.waitFor(1, runCardIn(CHANNEL, lastRun), 30_000);
    const runId = runCardRunId(root!)!;
    lastRun = runId;
    expect(root!.thread).toBeUndefined();
    const [approval] = await t.connector.waitFor(1, approvalCardOf(runId), 30_000);
    expect(approval!.thread).toBe(root!.id);
    // The personal chat has no threads: its posts stay plain.
    expect(t.connector.calls.filter((c) => c.conversationId === CHAT).map((c) => c.thread)).toEqual(
      t.connector.calls.filter((c) => c.conversationId === CHAT).map(() => undefined),
    );
    await approveAndFinish(runId, root!.id);
  }, 90_000);

  it('after a 503 burst on the connector, the run card and approval card still land in the request thread', async () => {
    const root = await postInChannel('deploy prod model v3');
    const [ask] = await t.connector.waitFor(1, (c) => asks(CHANNEL)(c) && c.thread === root);
    t.connector.failFor(6_000, 503);
    await confirm(ask!, `${CHANNEL};messageid=${root}`, 'channel');
    const [runCard] = await t.connector.waitFor(1, runCardIn(CHANNEL, lastRun), 45_000);
    const runId = runCardRunId(runCard!)!;
    lastRun = runId;
    await eventually(
      () => t.connector.calls.some(approvalCardOf(runId)),
      45_000,
      'the approval card',
    );
    // Both were refused first (the outbox delivered them), each aimed at the thread then too.
    const refused = t.connector.refused.filter(
      (c) => c.conversationId === CHANNEL && text(c).includes(` · run #${runId} · `),
    );
    expect(refused.some((c) => text(c).includes('approval.approve'))).toBe(true);
    expect(refused.map((c) => c.thread)).toEqual(refused.map(() => root));
    expect(runCard!.thread).toBe(root);
    expect(t.connector.calls.filter(approvalCardOf(runId)).map((c) => c.thread)).toEqual([root]);
    expect(noSomethingWentWrong(t)).toEqual([]);
    await approveAndFinish(runId, runCard!.id);
  }, 120_000);
});
