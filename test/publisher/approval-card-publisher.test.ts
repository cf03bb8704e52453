import { messageReply } from '../../src/commands/message-reply';
import { DeliveryDeferredError } from '../../src/publisher/delivery-errors';
import { postApprovalCard, updateApprovalCards } from '../../src/publisher/approval-card-publisher';
import { MemoryStore } from '../../src/store/memory-store';
import {
  CHANNEL,
  FakeChannel,
  OTHER_CHANNEL,
  manualClock,
  testLogger,
  testPublisher,
} from '../notifications/notification-fixtures';

/** A channel whose next send waits until `land()` is called (a post still on its way). */
class SlowChannel extends FakeChannel {
  private gate: Promise<void> | undefined;
  land: () => void = () => undefined;
  holdNextSend(): void {
    this.gate = new Promise((resolve) => (this.land = resolve));
  }
  override async send(conversationId: string, payload: Parameters<FakeChannel['send']>[1]) {
    const gate = this.gate;
    this.gate = undefined;
    await gate;
    return super.send(conversationId, payload);
  }
}

const textOf = (call: { activity: unknown }) => JSON.stringify(call.activity);

function setup() {
  const clock = manualClock(Date.parse('2026-11-26T10:00:00Z'));
  const store = new MemoryStore({ clock });
  const channel = new SlowChannel();
  const publisher = testPublisher(store, clock, testLogger().logger, channel);
  return { channel, publisher };
}

const pending = messageReply('warning', 'Waiting for approval', 'Run 143 waits for Production.');
const decided = messageReply('good', 'Approved', 'Rita Release approved run 143.');

describe('approval cards through the publisher', () => {
  it('posts one card per approval per chat, however often it is asked', async () => {
    const { channel, publisher } = setup();
    expect(await postApprovalCard(publisher, CHANNEL, 'ap-1', pending)).toBe(true);
    expect(await postApprovalCard(publisher, CHANNEL, 'ap-1', pending)).toBe(false);
    expect(await postApprovalCard(publisher, OTHER_CHANNEL, 'ap-1', pending)).toBe(true);
    expect(channel.calls.map((c) => `${c.method} ${c.conversationId}`)).toEqual([
      `send ${CHANNEL}`,
      `send ${OTHER_CHANNEL}`,
    ]);
  });

  it('updates each posted card to a decision once (events are redelivered)', async () => {
    const { channel, publisher } = setup();
    await postApprovalCard(publisher, CHANNEL, 'ap-1', pending);
    await postApprovalCard(publisher, OTHER_CHANNEL, 'ap-1', pending);
    const first = await updateApprovalCards(publisher, 'ap-1', 'approved', decided);
    expect(first.chats.sort()).toEqual([CHANNEL, OTHER_CHANNEL].sort());
    expect(first.outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
    const again = await updateApprovalCards(publisher, 'ap-1', 'approved', decided);
    expect(again.chats).toEqual([]);
    const updates = channel.calls.filter((c) => c.method === 'update');
    expect(updates).toHaveLength(2);
    expect(updates.map((u) => u.activityId).sort()).toEqual(['act-1', 'act-2']);
  });

  it('posts a card decided while it waited in the outbox as decided, never with live buttons', async () => {
    const { channel, publisher } = setup();
    channel.deferNext = 1;
    await expect(postApprovalCard(publisher, CHANNEL, 'ap-1', pending)).rejects.toBeInstanceOf(
      DeliveryDeferredError,
    );
    const decision = await updateApprovalCards(publisher, 'ap-1', 'approved', decided);
    expect(decision.chats).toEqual([]);
    expect(channel.calls).toEqual([]);
    await publisher.drainOutbox();
    expect(channel.calls.map((c) => c.method)).toEqual(['send']);
    expect(textOf(channel.calls[0]!)).toContain('Approved');
    expect(textOf(channel.calls[0]!)).not.toContain('Waiting for approval');
    // The card landed decided: a redelivered decision event changes nothing.
    expect((await updateApprovalCards(publisher, 'ap-1', 'approved', decided)).chats).toEqual([]);
    expect(channel.calls).toHaveLength(1);
  });

  it('updates a card decided while it was being posted as soon as it lands', async () => {
    const { channel, publisher } = setup();
    channel.holdNextSend();
    const posting = postApprovalCard(publisher, CHANNEL, 'ap-1', pending);
    await new Promise((resolve) => setImmediate(resolve));
    await updateApprovalCards(publisher, 'ap-1', 'rejected', decided);
    channel.land();
    await expect(posting).resolves.toBe(true);
    expect(channel.calls.map((c) => `${c.method} ${c.activityId}`)).toEqual([
      'send act-1',
      'update act-1',
    ]);
    expect(textOf(channel.calls[1]!)).toContain('Approved');
    expect((await updateApprovalCards(publisher, 'ap-1', 'rejected', decided)).chats).toEqual([]);
  });
});
