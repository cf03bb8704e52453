import { CARD_VERBS } from '../../../src/cards/card-verbs';
import { CARD_ACTIONS } from '../../../src/actions/card-actions';
import { CardSigner } from '../../../src/actions/card-signer';
import { cardToken } from '../../../src/core/middleware/card-token';
import { aTurn, kit, recordingNext } from '../turn-kit';

describe('card-token middleware', () => {
  const setup = async () => {
    const k = kit();
    const signer = await CardSigner.load(k.store);
    const spec = CARD_ACTIONS.find((a) => a.verb === CARD_VERBS.cancelRun)!;
    const data = { runId: 7 };
    const token = signer.sign('c-1', spec.ids(data as never));
    const click = (t: unknown, conversationId = 'c-1') =>
      aTurn({
        kind: 'cardAction',
        conversation: { id: conversationId, type: 'personal' },
        click: { spec, data, token: t },
      });
    return { ...k, middleware: cardToken({ ...k, signer }), click, token };
  };

  it('lets a click signed for this conversation run', async () => {
    const { middleware, click, token } = await setup();
    const turn = click(token);
    const { calls, next } = recordingNext(turn);
    await middleware(turn, next);
    expect(calls).toEqual(['next']);
  });

  it('refuses (403, audited) a click from another conversation or without a token', async () => {
    const { middleware, click, token, store } = await setup();
    for (const turn of [click(token, 'c-2'), click(undefined)]) {
      const { calls, next } = recordingNext(turn);
      await middleware(turn, next);
      expect(calls).toEqual([]);
      expect(turn.answer).toMatchObject({ kind: 'refused', status: 403 });
    }
    const refused = expect.objectContaining({
      action: `card:${CARD_VERBS.cancelRun}`,
      outcome: 'refused',
    });
    expect(await store.queryAudit()).toEqual([refused, refused]);
  });

  it('passes a message through untouched', async () => {
    const { middleware } = await setup();
    const turn = aTurn();
    const { calls, next } = recordingNext(turn);
    await middleware(turn, next);
    expect(calls).toEqual(['next']);
  });
});
