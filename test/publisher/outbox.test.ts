import { messageReply } from '../../src/commands/message-reply';
import { OUTBOX_QUEUE, outboxQueueOf } from '../../src/publisher/outbox';
import { DeliveryDeferredError } from '../../src/publisher/delivery-errors';
import { MemoryStore } from '../../src/store/memory-store';
import {
  CHANNEL,
  FakeChannel,
  manualClock,
  testLogger,
  testPublisher,
} from '../notifications/notification-fixtures';

describe('the outbox', () => {
  it('keeps each platform apart: a replica drains only the messages its platform rendered', async () => {
    const clock = manualClock(Date.parse('2026-11-26T10:00:00Z'));
    const store = new MemoryStore({ clock });
    const { logger } = testLogger();
    const teams = new FakeChannel('teams');
    const slack = new FakeChannel('slack');
    const viaTeams = testPublisher(store, clock, logger, teams);
    const viaSlack = testPublisher(store, clock, logger, slack);
    teams.deferNext = 1;
    slack.deferNext = 1;
    const reply = messageReply('good', 'Deployed', 'Run 143 is live.');
    await expect(viaTeams.post(CHANNEL, reply)).rejects.toBeInstanceOf(DeliveryDeferredError);
    await expect(viaSlack.post('C0OPS', reply)).rejects.toBeInstanceOf(DeliveryDeferredError);
    // Teams keeps the queue it had before Slack, so what waited during an upgrade still goes.
    expect(await store.queueLength(OUTBOX_QUEUE)).toBe(1);
    expect(await store.queueLength(outboxQueueOf('slack'))).toBe(1);

    expect(await viaTeams.drainOutbox()).toEqual({ delivered: 1, pending: 0 });
    expect(teams.calls.map((c) => c.conversationId)).toEqual([CHANNEL]);
    expect(slack.calls).toEqual([]);
    expect(await viaSlack.drainOutbox()).toEqual({ delivered: 1, pending: 0 });
    expect(slack.calls.map((c) => c.conversationId)).toEqual(['C0OPS']);
  });
});
