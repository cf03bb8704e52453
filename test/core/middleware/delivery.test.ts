import { DeliveryLedger } from '../../../src/core/delivery-ledger';
import { delivery } from '../../../src/core/middleware/delivery';
import type { TurnAnswer } from '../../../src/core/turn';
import { aTurn, kit, recordingNext } from '../turn-kit';

describe('delivery middleware', () => {
  const ledgers: DeliveryLedger[] = [];
  afterEach(() => ledgers.splice(0).forEach((l) => l.stop()));
  const setup = () => {
    const k = kit();
    const ledger = new DeliveryLedger(k.store, k.logger);
    ledgers.push(ledger);
    return { ...k, middleware: delivery(ledger, k) };
  };
  const record = { actor: { id: 'ana', name: 'Ana' }, action: 'command:help', detail: 'help' };

  it('answers, then marks done with the audit; a redelivery answers nothing', async () => {
    const { middleware, store } = setup();
    const sent: TurnAnswer[] = [];
    const deliver = async (a: TurnAnswer) => void sent.push(a);
    const turn = aTurn({ capabilities: { deliver } });
    const { next } = recordingNext(turn);
    await middleware(turn, async () => {
      await next();
      turn.audit.push({ ...record, outcome: 'ok' });
    });
    expect(sent).toHaveLength(1);
    expect((await store.queryAudit()).map((r) => r.action)).toEqual(['command:help']);
    const again = aTurn({ capabilities: { deliver } });
    const retry = recordingNext(again);
    await middleware(again, retry.next);
    expect(retry.calls).toEqual([]);
    expect(again.answer).toEqual({ kind: 'none' });
    expect(sent).toHaveLength(1);
  });

  it('refuses a repeated click with 409', async () => {
    const { middleware } = setup();
    const click = () => aTurn({ kind: 'cardAction', deliveryId: 'click-1' });
    await middleware(click(), async () => undefined);
    const again = click();
    await middleware(again, async () => undefined);
    expect(again.answer).toMatchObject({ kind: 'refused', status: 409 });
  });

  it('lets the retry of a failed or undone turn run, and still audits the undone one', async () => {
    const { middleware, store } = setup();
    await expect(
      middleware(aTurn({ deliveryId: 'f-1' }), async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const retried = aTurn({ deliveryId: 'f-1' });
    const ran = recordingNext(retried);
    await middleware(retried, ran.next);
    expect(ran.calls).toEqual(['next']);

    const undone = aTurn({ deliveryId: 'u-1' });
    await middleware(undone, async () => {
      undone.undone = true;
      undone.audit.push({ ...record, outcome: 'refused' });
    });
    const retry = aTurn({ deliveryId: 'u-1' });
    const again = recordingNext(retry);
    await middleware(retry, again.next);
    expect(again.calls).toEqual(['next']);
    expect((await store.queryAudit()).map((r) => r.outcome)).toContain('refused');
  });

  it('runs and audits a turn without a delivery id (a message resumed after sign-in)', async () => {
    const { middleware, store } = setup();
    const turn = aTurn({ deliveryId: undefined });
    await middleware(turn, async () => void turn.audit.push({ ...record, outcome: 'ok' }));
    expect(await store.queryAudit()).toHaveLength(1);
  });
});
