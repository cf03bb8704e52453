import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { TeamsChannel } from '../../src/bot/teams-channel';
import { messageReply } from '../../src/commands/message-reply';
import { saveConversation } from '../../src/conversations/save-conversation';
import { MemoryStore } from '../../src/store/memory-store';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';

const OPS = '19:ops@thread.tacv2';
const note = messageReply('good', 'Note', 'Something to say.');

/**
 * Which failures say "that message is not in the chat" (`gone`, post anew) and which say the
 * call itself cannot work (`refused`): read from the connector's 404 and the call it answered.
 */
describe('TeamsChannel: a 404 about one message is `gone`', () => {
  let connector: FakeConnector;
  let channel: TeamsChannel;
  beforeEach(async () => {
    connector = await startFakeConnector();
    const store = new MemoryStore();
    await saveConversation(store, {
      serviceUrl: connector.url,
      channelId: 'msteams',
      botId: '28:bot',
      tenantId: 't1',
      conversationId: OPS,
      conversationType: 'channel',
    });
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    channel = new TeamsChannel({ adapter, botAppId: '', store });
  });
  afterEach(() => connector.close());

  it('an update of a message the chat does not have', async () => {
    const update = channel.update(OPS, '1764400099999', channel.render(note));
    await expect(update).rejects.toMatchObject({ code: 'gone', status: 404 });
  });

  it('a reply under a thread root that was deleted', async () => {
    const root = await channel.send(OPS, channel.render(note));
    connector.deleteMessage(OPS, root);
    const reply = channel.send(OPS, channel.render(note), undefined, { threadRootId: root });
    await expect(reply).rejects.toMatchObject({ code: 'gone', status: 404 });
  });

  it('but a plain post answered 404 is refused: the conversation itself is unknown', async () => {
    connector.failNext(1, 404);
    await expect(channel.send(OPS, channel.render(note))).rejects.toMatchObject({
      code: 'refused',
      status: 404,
    });
  });
});
