import { countingStore } from '../../../bench/counting-store';
import { identity } from '../../../src/core/middleware/identity';
import { findPersonByTeamsId } from '../../../src/people/find-people';
import { aTurn, kit } from '../turn-kit';

describe('identity middleware', () => {
  it('completes the UPN once by lookup, remembers it, and reads the person once a turn after that', async () => {
    const k = kit();
    const { store, calls } = countingStore(k.store);
    const middleware = identity({ ...k, store });
    const lookUpUpn = jest.fn(async () => 'ana@contoso.com');
    const first = aTurn({ capabilities: { lookUpUpn } });
    await middleware(first, async () => undefined);
    expect(first.ctx?.actor.upn).toBe('ana@contoso.com');
    expect(first.ctx).toMatchObject({ activityId: 'a-1', conversation: { id: 'c-1' } });
    expect((await findPersonByTeamsId(k.store, '29:ana'))?.upn).toBe('ana@contoso.com');

    for (const name of Object.keys(calls)) delete calls[name];
    const second = aTurn({ capabilities: { lookUpUpn } });
    await middleware(second, async () => undefined);
    expect(second.actor.upn).toBe('ana@contoso.com');
    expect(lookUpUpn).toHaveBeenCalledTimes(1);
    expect(calls).toEqual({ get: 1 });
  });

  it('goes on without a UPN when the lookup fails, and keys effects on the resumed message', async () => {
    const k = kit();
    const turn = aTurn({
      deliveryId: undefined,
      effectId: 'original',
      redelivered: true,
      capabilities: { lookUpUpn: async () => Promise.reject(new Error('403')) },
    });
    await identity(k)(turn, async () => undefined);
    expect(turn.ctx).toMatchObject({ activityId: 'original', redelivered: true });
    expect(turn.ctx?.actor.upn).toBeUndefined();
  });
});
