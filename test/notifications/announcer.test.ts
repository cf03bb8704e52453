import { saveConversation } from '../../src/conversations/save-conversation';
import { createAnnouncer } from '../../src/notifications/announcer';
import { PEOPLE_COLLECTION, type Person } from '../../src/people/person';
import { MemoryStore } from '../../src/store/memory-store';
import { messageReply } from '../../src/commands/message-reply';
import {
  CHANNEL,
  FakeChannel,
  manualClock,
  testLogger,
  testPublisher,
} from './notification-fixtures';

/** A channel that opens personal chats, as Teams' does, and says with whom. */
class OpeningChannel extends FakeChannel {
  readonly opened: { userId: string; from: string }[] = [];
  async openPersonalChat(userId: string, from: string): Promise<string> {
    this.opened.push({ userId, from });
    return `a:opened-${userId}`;
  }
}

const HOLDER: Person = { teamsId: '29:mo', name: 'Mo Engineer', aadObjectId: 'mo-oid', seenAt: 0 };

async function setup() {
  const clock = manualClock(Date.parse('2026-11-26T10:00:00Z'));
  const store = new MemoryStore({ clock });
  const channel = new OpeningChannel();
  const { logger } = testLogger();
  const publisher = testPublisher(store, clock, logger, channel);
  await store.put(PEOPLE_COLLECTION, `aad:${HOLDER.aadObjectId}`, HOLDER);
  const announce = createAnnouncer({ store, publisher, logger });
  return { store, channel, announce };
}

const reply = messageReply('default', 'Your lock on QA was removed', 'By Dana Lead.');

describe('announcer: one person in their personal chat', () => {
  it('uses the stored personal chat of the person (Entra id → Teams id), opening none', async () => {
    const t = await setup();
    await saveConversation(t.store, {
      serviceUrl: 'http://127.0.0.1:1/',
      channelId: 'msteams',
      botId: '28:bot',
      conversationId: 'a:mo',
      conversationType: 'personal',
      userId: HOLDER.teamsId,
    });
    await t.announce({ person: { id: 'mo-oid' }, from: CHANNEL }, reply);
    expect(t.channel.opened).toEqual([]);
    expect(t.channel.in('a:mo')).toHaveLength(1);
  });

  it('opens one through the chat the command came from when there is none', async () => {
    const t = await setup();
    await t.announce({ person: { id: 'mo-oid' }, from: CHANNEL }, reply);
    expect(t.channel.opened).toEqual([{ userId: '29:mo', from: CHANNEL }]);
    expect(t.channel.in('a:opened-29:mo')).toHaveLength(1);
  });
});
