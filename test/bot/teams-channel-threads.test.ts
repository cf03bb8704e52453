import type { TurnContext } from 'botbuilder';
import { TeamsChannel, threadRootOf } from '../../src/bot/teams-channel';
import { MemoryStore } from '../../src/store/memory-store';

const channel = new TeamsChannel({
  adapter: { continueConversationAsync: async () => undefined },
  botAppId: '',
  store: new MemoryStore(),
});

/** A turn as Teams delivers it: only the conversation matters here. */
const turnIn = (id: string, conversationType: string) =>
  ({ activity: { conversation: { id, conversationType } } }) as unknown as TurnContext;

describe('TeamsChannel.threadOf: the channel thread a turn happened in', () => {
  it('reads the root of a channel post or click from its conversation id', () => {
    expect(channel.threadOf(turnIn('19:ops@thread.tacv2;messageid=1764400000001', 'channel'))).toBe(
      '1764400000001',
    );
  });

  it('has none in a channel turn without a thread, nor in chats', () => {
    expect(channel.threadOf(turnIn('19:ops@thread.tacv2', 'channel'))).toBeUndefined();
    expect(channel.threadOf(turnIn('a:alex;messageid=1764400000001', 'personal'))).toBeUndefined();
    expect(channel.threadOf(turnIn('19:g@thread.v2;messageid=17', 'groupChat'))).toBeUndefined();
    expect(channel.threadOf(undefined)).toBeUndefined();
  });

  it('reads roots as the Teams SDK does: a non-zero number, one suffix', () => {
    expect(threadRootOf('19:ops@thread.tacv2;messageid=0')).toBeUndefined();
    expect(threadRootOf('19:ops@thread.tacv2;messageid=')).toBeUndefined();
    expect(threadRootOf('19:ops@thread.tacv2;messageid=abc')).toBeUndefined();
    expect(threadRootOf('19:ops@thread.tacv2;messageid=1;messageid=2')).toBeUndefined();
    expect(threadRootOf('19:ops@thread.tacv2;messageid=42')).toBe('42');
  });
});
