import { MemoryStore } from '../../src/store/memory-store';
import { getConversation } from '../../src/conversations/get-conversation';
import { createLogger } from '../../src/logging/create-logger';
import { messageReply } from '../../src/commands/message-reply';
import { ChannelError } from '../../src/publisher/delivery-errors';
import { Publisher } from '../../src/publisher/publisher';
import { SlackChannel } from '../../src/slack/slack-channel';
import { SlackChatChannel } from '../../src/slack/slack-chat-channel';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api';

const TOKEN = 'xoxb-9-9-chatchannel';
const logger = createLogger({ level: 'silent' });

describe('SlackChatChannel: Slack as the publisher’s ChatChannel (real @slack/web-api, fake Slack)', () => {
  let api: FakeSlackApi;
  let store: MemoryStore;
  let channel: SlackChatChannel;
  beforeEach(async () => {
    api = await startFakeSlackApi({ token: TOKEN });
    store = new MemoryStore();
    const slack = new SlackChannel({ botToken: TOKEN, apiUrl: api.url, logger });
    channel = new SlackChatChannel({ slack, store, secrets: ['hunter2-secret'] });
  });
  afterEach(async () => {
    await api.close();
  });

  it('renders Block Kit (secrets masked), posts, and updates the message by its ts', async () => {
    const payload = channel.render(messageReply('default', 'Hello', 'the token is hunter2-secret'));
    expect(JSON.stringify(payload)).not.toContain('hunter2-secret');
    const ts = await channel.send('C0001', payload);
    expect(ts).toMatch(/^\d+\.\d+$/);
    await channel.update('C0001', ts, channel.render(messageReply('default', 'Bye', 'done')));
    expect(api.callsTo('chat.update')[0]!.args).toMatchObject({ channel: 'C0001', ts });
  });

  it('sorts Slack’s failures as the publisher reads them: 429 throttled with Retry-After, refusals refused', async () => {
    api.failNext('chat.postMessage', { status: 429, retryAfterSec: 3 });
    const throttled = await channel.send('C0001', { text: 'x' }).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(ChannelError);
    expect(throttled).toMatchObject({ code: 'throttled', status: 429, retryAfterMs: 3000 });
    api.failNext('chat.postMessage', { error: 'channel_not_found' });
    await expect(channel.send('C0001', { text: 'x' })).rejects.toMatchObject({
      code: 'refused',
    });
    // An update of a message Slack does not have (deleted): gone, so the card is posted again.
    await expect(channel.update('C0001', '1.2', { text: 'x' })).rejects.toMatchObject({
      code: 'gone',
    });
  });

  it('through the publisher: a 429 is waited out and the message still goes (one post)', async () => {
    const clock = { now: () => Date.now() };
    const publisher = new Publisher({ channel, store, clock, logger, sleep: async () => {} });
    api.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    const id = await publisher.post('C0001', messageReply('default', 'Hi', 'there'));
    expect(id).toMatch(/^\d+\.\d+$/);
    expect(api.callsTo('chat.postMessage').map((c) => c.result?.ok)).toEqual([undefined, true]);
  });

  it('opens a DM and remembers it as the person’s personal Slack chat', async () => {
    const id = await channel.openPersonalChat('U0042');
    expect(id).toBe('DU0042');
    expect(await getConversation(store, 'DU0042')).toMatchObject({
      platform: 'slack',
      conversationType: 'personal',
      userId: 'U0042',
    });
  });
});
