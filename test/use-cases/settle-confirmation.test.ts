import { createConfirmation } from '../../src/confirmations/create-confirmation';
import { settleConfirmation } from '../../src/use-cases/settle-confirmation';
import { ENGINEER, LEAD, handlerHarness } from '../commands/handlers/handler-harness';

async function pending(h: ReturnType<typeof handlerHarness>) {
  return createConfirmation(h.store, h.clock, {
    action: 'deploy',
    payload: { plan: 'prod' },
    requestedBy: ENGINEER,
    conversationId: 'conv-1',
    ttlMs: 5 * 60_000,
  });
}

describe('settleConfirmation: outcomes with reason codes', () => {
  it('confirmed once; a second click is refused:already-decided', async () => {
    const h = handlerHarness();
    const { id } = await pending(h);
    const signIns: string[] = [];
    const signIn = async () => void signIns.push('asked');
    expect(
      (await settleConfirmation(id, 'confirm', h.context(ENGINEER), h.deps(), signIn)).code,
    ).toBe('confirmed');
    expect(signIns).toEqual(['asked']);
    expect((await settleConfirmation(id, 'confirm', h.context(ENGINEER), h.deps())).code).toBe(
      'refused:already-decided',
    );
  });

  it('refused:not-yours for someone else, audited; refused:no-such-confirmation', async () => {
    const h = handlerHarness();
    const { id } = await pending(h);
    const other = { ...h.context(LEAD), conversation: { id: 'conv-1', type: 'channel' as const } };
    expect((await settleConfirmation(id, 'confirm', other, h.deps())).code).toBe(
      'refused:not-yours',
    );
    expect(await h.store.queryAudit()).toMatchObject([
      { action: 'card:confirm', outcome: 'refused' },
    ]);
    expect((await settleConfirmation('nope-nope-nope', 'confirm', other, h.deps())).code).toBe(
      'refused:no-such-confirmation',
    );
  });

  it('a sign-in that stops the turn leaves the confirmation pending', async () => {
    const h = handlerHarness();
    const { id } = await pending(h);
    const stop = () => Promise.reject(new Error('sign in first'));
    await expect(
      settleConfirmation(id, 'confirm', h.context(ENGINEER), h.deps(), stop),
    ).rejects.toThrow('sign in first');
    expect((await settleConfirmation(id, 'cancel', h.context(ENGINEER), h.deps())).code).toBe(
      'cancelled',
    );
  });
});
