import { getConversation } from '../../src/conversations/get-conversation';
import { saveConversation } from '../../src/conversations/save-conversation';
import { slackConversationInfo } from '../../src/slack/slack-chat-channel';
import { storeCases, useStore } from '../locks/store-cases';

describe.each(storeCases)('the platform on a conversation record, on %s', (_name, makeStore) => {
  const env = useStore(makeStore);

  it('a Slack conversation is stored with its platform, and keeps it when a later save omits it', async () => {
    await saveConversation(env.store, slackConversationInfo('DU0001', 'personal', 'U0001'));
    expect(await getConversation(env.store, 'DU0001')).toMatchObject({
      platform: 'slack',
      conversationType: 'personal',
      userId: 'U0001',
    });
    const { platform: _dropped, ...withoutPlatform } = slackConversationInfo('DU0001', 'personal');
    void _dropped;
    await saveConversation(env.store, withoutPlatform);
    expect((await getConversation(env.store, 'DU0001'))?.platform).toBe('slack');
  });

  it('a Teams conversation saved as before has no platform field (records stay as they were)', async () => {
    await saveConversation(env.store, {
      conversationId: '19:ops@thread.tacv2',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      channelId: 'msteams',
      conversationType: 'channel',
      botId: '28:bot',
    });
    expect(await getConversation(env.store, '19:ops@thread.tacv2')).not.toHaveProperty('platform');
  });
});
