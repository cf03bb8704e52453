import type { TurnContext } from 'botbuilder';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { TeamsChannel } from '../../src/bot/teams-channel';
import { runCardData } from '../../src/cards/run-card-data';
import { messageReply } from '../../src/commands/message-reply';
import type { Reply } from '../../src/commands/reply';
import { systemClock } from '../../src/clock/clock';
import { getConversation } from '../../src/conversations/get-conversation';
import { getRunThread, rememberRunThread } from '../../src/conversations/run-thread';
import { saveConversation } from '../../src/conversations/save-conversation';
import type { RunSummary } from '../../src/devops/devops-port';
import { postApprovalCard } from '../../src/publisher/approval-card-publisher';
import { DeliveryDeferredError } from '../../src/publisher/delivery-errors';
import { Publisher } from '../../src/publisher/publisher';
import { showRunCard } from '../../src/publisher/run-card-publisher';
import { MemoryStore } from '../../src/store/memory-store';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { testLogger } from '../notifications/notification-fixtures';

const OPS = '19:ops@thread.tacv2';
const CHAT = 'a:personal-alex';

const run: RunSummary = {
  id: 143,
  name: '20261126.3',
  pipelineId: 7,
  pipelineKey: 'prod',
  pipelineName: '[Manual]-[Prod]-deployment',
  state: 'inProgress',
  branch: 'refs/heads/main',
  parameters: { modelVersion: '3' },
  createdDate: '2026-11-26T10:00:00Z',
  url: 'https://dev.azure.com/digitre/ml/_build/results?buildId=143',
  tags: [],
};

const runCard = (): Reply => ({
  card: 'run-status',
  data: runCardData(run, { now: Date.now() }),
  runId: run.id,
});
const approvalCard: Reply = {
  ...messageReply('warning', 'Waiting for approval', 'Run 143 waits for Production.'),
  runId: run.id,
};

/** The real publisher, Teams channel and CloudAdapter, against the fake connector over HTTP. */
async function setup(connector: FakeConnector) {
  const store = new MemoryStore();
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const base = { serviceUrl: connector.url, channelId: 'msteams', botId: '28:bot', tenantId: 't1' };
  await saveConversation(store, { ...base, conversationId: OPS, conversationType: 'channel' });
  await saveConversation(store, {
    ...base,
    conversationId: CHAT,
    conversationType: 'personal',
    userId: '29:alex',
  });
  const publisher = new Publisher({
    channel: new TeamsChannel({ adapter, botAppId: '', store }),
    store,
    clock: systemClock,
    logger: testLogger().logger,
    maxAttempts: 2,
    baseDelayMs: 1,
  });
  /** Runs `work` in a turn of a message posted in `conversationId` as Teams delivers it. */
  const inTurn = async (conversationId: string, work: (context: TurnContext) => Promise<void>) => {
    const reference = (await getConversation(store, conversationId.split(';')[0]!))!.reference;
    const conversation = { ...(reference.conversation as object), id: conversationId };
    await adapter.continueConversationAsync('', { ...reference, conversation } as never, work);
  };
  return { store, publisher, inTurn };
}

const showRun = (publisher: Publisher, conversationId: string, stateHash = '10001:a') =>
  showRunCard(publisher, {
    runId: run.id,
    conversationId,
    mayCreate: true,
    reply: runCard(),
    stateHash,
  });

describe("a run's posts in a chat: one thread per run in a Teams channel", () => {
  let connector: FakeConnector;
  let t: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    connector = await startFakeConnector();
    t = await setup(connector);
  });
  afterEach(async () => {
    await connector.close();
  });
  const posts = (conversationId: string) =>
    connector.calls.filter((c) => c.method === 'POST' && c.conversationId === conversationId);

  it('the run card is the root; the approval card is a reply under it; updates stay put', async () => {
    expect(await showRun(t.publisher, OPS)).toBe('created');
    expect(await postApprovalCard(t.publisher, OPS, 'ap-1', approvalCard)).toBe(true);
    const [root, reply] = posts(OPS);
    expect(root!.thread).toBeUndefined();
    expect(reply!.thread).toBe(root!.id);
    expect(await getRunThread(t.store, run.id, OPS)).toBe(root!.id);
    // Updating the card replaces it where it is (the PUT names the channel, as the SDK does).
    expect(await showRun(t.publisher, OPS, '20002:b')).toBe('updated');
    expect(connector.calls.at(-1)).toMatchObject({
      method: 'PUT',
      conversationId: OPS,
      id: root!.id,
    });
    expect(connector.calls.at(-1)!.thread).toBeUndefined();
  });

  it('whichever comes first is the root: an approval card before the run card', async () => {
    await postApprovalCard(t.publisher, OPS, 'ap-1', approvalCard);
    await showRun(t.publisher, OPS);
    const [root, card] = posts(OPS);
    expect(root!.thread).toBeUndefined();
    expect(card!.thread).toBe(root!.id);
  });

  it('a personal chat has no threads: plain posts', async () => {
    await showRun(t.publisher, CHAT);
    await postApprovalCard(t.publisher, CHAT, 'ap-1', approvalCard);
    expect(posts(CHAT).map((c) => c.thread)).toEqual([undefined, undefined]);
  });

  it('asked in a channel thread: the answer lands there and the run keeps that thread', async () => {
    const asked = connector.userPosted(OPS);
    await t.inTurn(`${OPS};messageid=${asked}`, async (context) => {
      await t.publisher.publish(OPS, { ...runCard(), queued: true }, { inTurn: context });
    });
    expect(await getRunThread(t.store, run.id, OPS)).toBe(asked);
    await postApprovalCard(t.publisher, OPS, 'ap-1', approvalCard);
    expect(posts(OPS).map((c) => c.thread)).toEqual([asked, asked]);
  });

  it('an answer the outbox delivers later still lands in the thread it was asked in', async () => {
    const asked = connector.userPosted(OPS);
    connector.failFor(300, 503);
    await t.inTurn(`${OPS};messageid=${asked}`, async (context) => {
      const reply = messageReply('good', 'Help', 'Try `status`.');
      expect(await t.publisher.publish(OPS, reply, { inTurn: context, budgetMs: 1 })).toBe(
        undefined,
      );
    });
    expect(connector.refused.map((c) => c.thread)).toContain(asked);
    await new Promise((r) => setTimeout(r, 300));
    await drainAll(connector, t.publisher);
    expect(posts(OPS).map((c) => c.thread)).toEqual([asked]);
  });

  it('an approval card that waited in the outbox joins the thread started meanwhile', async () => {
    connector.failNext(2, 503);
    await expect(postApprovalCard(t.publisher, OPS, 'ap-1', approvalCard)).rejects.toBeInstanceOf(
      DeliveryDeferredError,
    );
    await showRun(t.publisher, OPS);
    await drainAll(connector, t.publisher);
    const [root, card] = posts(OPS);
    expect(card!.thread).toBe(root!.id);
  });

  it('a thread whose root is gone gets a new root instead of losing the card', async () => {
    await showRun(t.publisher, OPS);
    const [root] = posts(OPS);
    connector.deleteMessage(OPS, root!.id);
    await postApprovalCard(t.publisher, OPS, 'ap-1', approvalCard);
    const [, card] = posts(OPS);
    expect(card!.thread).toBeUndefined();
    expect(await getRunThread(t.store, run.id, OPS)).toBe(card!.id);
    await postApprovalCard(t.publisher, OPS, 'ap-2', approvalCard);
    expect(posts(OPS)[2]!.thread).toBe(card!.id);
  });

  it('a root recorded by another replica wins over this post', async () => {
    await rememberRunThread(t.store, run.id, OPS, connector.userPosted(OPS, '1764400099999'));
    await showRun(t.publisher, OPS);
    expect(posts(OPS)[0]!.thread).toBe('1764400099999');
  });
});

/** Drains the outbox until empty (the connector answers again). */
async function drainAll(connector: FakeConnector, publisher: Publisher): Promise<void> {
  for (let i = 0; i < 50 && (await publisher.outboxLength()) > 0; i++) {
    await publisher.drainOutbox();
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(await publisher.outboxLength()).toBe(0);
  expect(connector.calls.length).toBeGreaterThan(0);
}
