import { messageReply } from '../../src/commands/message-reply';
import { listApprovalCards } from '../../src/conversations/approval-cards';
import { getRunCard, rememberRunCard } from '../../src/conversations/run-card';
import { postApprovalCard, updateApprovalCards } from '../../src/publisher/approval-card-publisher';
import {
  ChannelError,
  DeliveryDeferredError,
  DeliveryFailedError,
  isMessageGone,
} from '../../src/publisher/delivery-errors';
import { Publisher } from '../../src/publisher/publisher';
import { showRunCard } from '../../src/publisher/run-card-publisher';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { CHAT, RUN, runCardReply, teamsPublisherRig } from './teams-publisher-rig';

const pending = messageReply('warning', 'Waiting for approval', 'Run 143 waits for Production.');
const decided = messageReply('good', 'Approved', 'Rita Release approved run 143.');

const show = (publisher: Publisher, stateHash: string) =>
  showRunCard(publisher, {
    runId: RUN.id,
    conversationId: CHAT,
    mayCreate: false,
    reply: runCardReply(),
    stateHash,
  });

describe('a card the chat no longer has is posted again, never an error', () => {
  let connector: FakeConnector;
  let t: Awaited<ReturnType<typeof teamsPublisherRig>>;
  beforeEach(async () => {
    connector = await startFakeConnector();
    t = await teamsPublisherRig(connector, { policy: { maxAttempts: 2, baseDelayMs: 1 } });
  });
  afterEach(() => connector.close());

  const calls = (method: 'POST' | 'PUT') => connector.calls.filter((c) => c.method === method);
  /** The requester's answer, remembered as the run's live card here (as `publishAnswer` does). */
  const postRunCard = async () => {
    const activityId = await t.publisher.post(CHAT, runCardReply());
    await rememberRunCard(t.store, {
      runId: RUN.id,
      conversationId: CHAT,
      activityId,
      lastUpdate: 1,
    });
    return activityId;
  };

  it('Teams refusing an update of a deleted message is the channel’s `gone`', async () => {
    const id = await t.channel.send(CHAT, t.channel.render(pending));
    connector.deleteMessage(CHAT, id);
    const failed = t.channel.update(CHAT, id, t.channel.render(decided));
    await expect(failed).rejects.toMatchObject({ code: 'gone', status: 404 });
    const err = await failed.catch((e: unknown) => e);
    expect(isMessageGone(err)).toBe(true);
    expect(isMessageGone(new DeliveryFailedError('refused', 404, err))).toBe(true);
    expect(isMessageGone(new ChannelError('refused', 'no such chat', { status: 404 }))).toBe(false);
  });

  it('a run card deleted in the chat: the next state posts a new live card, later ones update it', async () => {
    await postRunCard();
    const first = calls('POST')[0]!;
    connector.deleteMessage(CHAT, first.id);
    await expect(show(t.publisher, '20001:a')).resolves.toBe('created');
    const reposted = calls('POST')[1]!;
    expect(reposted.id).not.toBe(first.id);
    expect((await getRunCard(t.store, RUN.id, CHAT))!.activityId).toBe(reposted.id);
    await expect(show(t.publisher, '30001:b')).resolves.toBe('updated');
    expect(calls('PUT').map((c) => c.activityId)).toEqual([reposted.id]);
  });

  it('an approval card deleted in the chat: the decision is posted as a new card', async () => {
    await postApprovalCard(t.publisher, CHAT, 'ap-1', pending);
    const [card] = calls('POST');
    connector.deleteMessage(CHAT, card!.id);
    const { outcomes } = await updateApprovalCards(t.publisher, 'ap-1', 'approved', decided);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled']);
    const anew = calls('POST')[1]!;
    expect(JSON.stringify(anew.activity)).toContain('Rita Release approved run 143.');
    expect(await listApprovalCards(t.store, 'ap-1')).toEqual([
      { approvalId: 'ap-1', conversationId: CHAT, activityId: anew.id, shows: 'approved' },
    ]);
    // A redelivered decision leaves the new card alone.
    await updateApprovalCards(t.publisher, 'ap-1', 'approved', decided);
    expect(calls('POST')).toHaveLength(2);
  });

  it('the answer that queued a run posts when the card it would update is gone', async () => {
    const posted = await postRunCard();
    connector.deleteMessage(CHAT, posted);
    let answered: string | undefined;
    await t.inTurn(CHAT, async (context) => {
      answered = await t.publisher.publish(
        CHAT,
        { ...runCardReply(), queued: true },
        { inTurn: context },
      );
    });
    expect(answered).toBe(calls('POST')[1]!.id);
    expect((await getRunCard(t.store, RUN.id, CHAT))!.activityId).toBe(answered);
  });

  it('a run card update waiting in the outbox posts anew when the card was deleted meanwhile', async () => {
    const posted = await postRunCard();
    connector.failNext(2, 503);
    await expect(show(t.publisher, '20001:a')).resolves.toBe('deferred');
    connector.deleteMessage(CHAT, posted);
    await t.publisher.drainOutbox();
    expect(await t.publisher.outboxLength()).toBe(0);
    const anew = calls('POST')[1]!;
    expect((await getRunCard(t.store, RUN.id, CHAT))!).toMatchObject({
      activityId: anew.id,
      lastStateHash: '20001:a',
    });
  });

  it('a plain refresh of a deleted message waiting in the outbox is dropped, not dead-lettered', async () => {
    const posted = await t.publisher.post(CHAT, pending);
    connector.failNext(2, 503);
    await expect(t.publisher.replace(CHAT, posted, decided)).rejects.toBeInstanceOf(
      DeliveryDeferredError,
    );
    connector.deleteMessage(CHAT, posted);
    await t.publisher.drainOutbox();
    expect(await t.publisher.outboxLength()).toBe(0);
    expect(await t.store.listPoison('outbox', 10)).toEqual([]);
  });
});
