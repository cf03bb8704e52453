import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { TeamsChannel } from '../../src/bot/teams-channel';
import { systemClock } from '../../src/clock/clock';
import { messageReply } from '../../src/commands/message-reply';
import { saveConversation } from '../../src/conversations/save-conversation';
import { Publisher } from '../../src/publisher/publisher';
import { SqliteStore } from '../../src/store/sqlite-store';
import { startFakeConnector } from '../support/fake-connector';
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

  it('keeps a message the channel refuses for good (403) as a dead letter, with why', async () => {
    // The real Teams channel over a real CloudAdapter and a connector over HTTP; real SQLite.
    const connector = await startFakeConnector();
    const store = SqliteStore.open({ path: ':memory:' });
    try {
      const { logger, lines } = testLogger();
      await saveConversation(store, {
        conversationId: CHANNEL,
        serviceUrl: connector.url,
        channelId: 'msteams',
        conversationType: 'channel',
        botId: '28:bot',
      });
      const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
      const publisher = new Publisher({
        channel: new TeamsChannel({ adapter, botAppId: '', store }),
        store,
        clock: systemClock,
        logger,
      });
      const outboxId = await publisher.defer(CHANNEL, {
        type: 'message',
        text: 'Run 143 is live.',
      });
      connector.failNext(1, 403);

      expect(await publisher.drainOutbox()).toEqual({ delivered: 0, pending: 0 });
      expect(connector.calls).toEqual([]);
      expect(await store.queueLength(OUTBOX_QUEUE)).toBe(0);
      const [dead, ...rest] = await store.listPoison<{ conversationId: string }>(OUTBOX_QUEUE);
      expect(rest).toEqual([]);
      expect(dead).toMatchObject({
        id: outboxId,
        attempts: 1,
        payload: { conversationId: CHANNEL },
      });
      expect(dead!.error).toMatch(/^403 from the channel/);
      expect(lines.some((l) => l.includes('the channel refuses it'))).toBe(true);
      // Nothing is delivered later either: it was given up on, not put back.
      expect(await publisher.drainOutbox()).toEqual({ delivered: 0, pending: 0 });
      expect(connector.calls).toEqual([]);
    } finally {
      await store.close();
      await connector.close();
    }
  });
});
