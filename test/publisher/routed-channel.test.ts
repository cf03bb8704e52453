import type { Reply } from '../../src/commands/reply';
import type { ChatChannel } from '../../src/publisher/chat-channel';
import { RoutedChannel, slackConversationId } from '../../src/publisher/routed-channel';

/** A channel that records what it was asked to do. */
function recording(platform: string) {
  const calls: string[] = [];
  const channel: ChatChannel = {
    platform,
    render: (reply: Reply) => ({ platform, card: reply.card }),
    send: async (id, _payload, _turn, options) => {
      calls.push(options?.threadRootId ? `send ${id} in ${options.threadRootId}` : `send ${id}`);
      return `${platform}-msg`;
    },
    update: async (id, messageId) => {
      calls.push(`update ${id} ${messageId}`);
    },
    openPersonalChat: async (person) => `${platform}-dm-${person}`,
    threadOf: (turn) => (turn ? `${platform}-thread` : undefined),
  };
  return { channel, calls };
}

describe('RoutedChannel: one publisher over Teams and Slack, by the conversation id', () => {
  it('tells Slack conversation ids from Teams ones', () => {
    for (const id of ['C0001', 'D0ABC', 'G12345']) expect(slackConversationId(id)).toBe(true);
    for (const id of ['19:abc@thread.tacv2', 'a:1xyz', '29:user', 'c0001', 'conv-1']) {
      expect(slackConversationId(id)).toBe(false);
    }
  });

  it('renders, sends, updates and opens DMs through the platform of the conversation', async () => {
    const teams = recording('teams');
    const slack = recording('slack');
    const routed = new RoutedChannel(teams.channel, { slack: slack.channel });
    const reply = { card: 'message', data: {} } as unknown as Reply;
    expect(routed.platform).toBe('teams');
    expect(routed.render(reply, 'C0001')).toEqual({ platform: 'slack', card: 'message' });
    expect(routed.render(reply, '19:x@thread.tacv2')).toEqual({
      platform: 'teams',
      card: 'message',
    });
    expect(await routed.send('C0001', {})).toBe('slack-msg');
    expect(await routed.send('19:x@thread.tacv2', {})).toBe('teams-msg');
    await routed.update('D0001', '1.2', {});
    expect(slack.calls).toEqual(['send C0001', 'update D0001 1.2']);
    expect(teams.calls).toEqual(['send 19:x@thread.tacv2']);
    expect(await routed.openPersonalChat('U1', 'C0001')).toBe('slack-dm-U1');
    expect(await routed.openPersonalChat('29:u', '19:x@thread.tacv2')).toBe('teams-dm-29:u');
  });

  it('passes the thread on, and reads a turn’s thread from the primary (its transport’s turn)', async () => {
    const teams = recording('teams');
    const slack = recording('slack');
    const routed = new RoutedChannel(teams.channel, { slack: slack.channel });
    await routed.send('19:x@thread.tacv2', {}, undefined, { threadRootId: '17' });
    await routed.send('C0001', {}, undefined, { threadRootId: '17' });
    expect(teams.calls).toEqual(['send 19:x@thread.tacv2 in 17']);
    expect(slack.calls).toEqual(['send C0001 in 17']);
    expect(routed.threadOf({})).toBe('teams-thread');
    expect(routed.threadOf(undefined)).toBeUndefined();
  });

  it('without Slack every conversation is the primary’s', async () => {
    const teams = recording('teams');
    const routed = new RoutedChannel(teams.channel, {});
    expect(await routed.send('C0001', {})).toBe('teams-msg');
  });
});
