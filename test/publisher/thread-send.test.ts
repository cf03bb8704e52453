import { messageReply } from '../../src/commands/message-reply';
import type { Reply } from '../../src/commands/reply';
import { getRunThread, rememberRunThread } from '../../src/conversations/run-thread';
import { postApprovalCard } from '../../src/publisher/approval-card-publisher';
import { DeliveryDeferredError } from '../../src/publisher/delivery-errors';
import { Publisher } from '../../src/publisher/publisher';
import { showRunCard } from '../../src/publisher/run-card-publisher';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { CHAT, OPS, RUN, runCardReply, teamsPublisherRig } from './teams-publisher-rig';

const approvalCard: Reply = {
  ...messageReply('warning', 'Waiting for approval', 'Run 143 waits for Production.'),
  runId: RUN.id,
};

const showRun = (publisher: Publisher, conversationId: string, stateHash = '10001:a') =>
  showRunCard(publisher, {
    runId: RUN.id,
    conversationId,
    mayCreate: true,
    reply: runCardReply(),
    stateHash,
  });

describe("a run's posts in a chat: one thread per run in a Teams channel", () => {
  let connector: FakeConnector;
  let t: Awaited<ReturnType<typeof teamsPublisherRig>>;
  beforeEach(async () => {
    connector = await startFakeConnector();
    t = await teamsPublisherRig(connector, { policy: { maxAttempts: 2, baseDelayMs: 1 } });
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
    expect(await getRunThread(t.store, RUN.id, OPS)).toBe(root!.id);
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
      await t.publisher.publish(OPS, { ...runCardReply(), queued: true }, { inTurn: context });
    });
    expect(await getRunThread(t.store, RUN.id, OPS)).toBe(asked);
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
    expect(await getRunThread(t.store, RUN.id, OPS)).toBe(card!.id);
    await postApprovalCard(t.publisher, OPS, 'ap-2', approvalCard);
    expect(posts(OPS)[2]!.thread).toBe(card!.id);
  });

  it('a root recorded by another replica wins over this post', async () => {
    await rememberRunThread(t.store, RUN.id, OPS, connector.userPosted(OPS, '1764400099999'));
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
