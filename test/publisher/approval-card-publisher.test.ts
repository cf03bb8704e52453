import { messageReply } from '../../src/commands/message-reply';
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

function setup() {
  const clock = manualClock(Date.parse('2026-11-26T10:00:00Z'));
  const store = new MemoryStore({ clock });
  const channel = new FakeChannel();
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
});
