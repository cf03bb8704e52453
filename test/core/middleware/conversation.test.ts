import { conversation } from '../../../src/core/middleware/conversation';
import { respond } from '../../../src/core/middleware/respond';
import { aTurn, recordingNext } from '../turn-kit';

describe('conversation and respond middlewares', () => {
  it('remembers the conversation before the turn runs', async () => {
    const order: string[] = [];
    const turn = aTurn({
      capabilities: { rememberConversation: async () => void order.push('remember') },
    });
    await conversation()(turn, async () => void order.push('next'));
    expect(order).toEqual(['remember', 'next']);
  });

  it('sends the answer once, after the turn', async () => {
    const deliver = jest.fn(async () => undefined);
    const turn = aTurn({ capabilities: { deliver } });
    const { next } = recordingNext(turn);
    await respond()(turn, next);
    await respond()(turn, async () => undefined);
    expect(deliver).toHaveBeenCalledTimes(1);
  });
});
