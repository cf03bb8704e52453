import { createConfirmation } from '../../src/confirmations/create-confirmation';
import { decideConfirmation } from '../../src/confirmations/decide-confirmation';
import { getConfirmation } from '../../src/confirmations/get-confirmation';
import { storeCases, useStore } from '../locks/store-cases';

const ana = { id: 'aad-ana', name: 'Ana', teamsId: '29:ana', upn: 'ana@digitre.example' };
const bo = { id: 'aad-bo', name: 'Bo', teamsId: '29:bo' };
const conv = '19:ops@thread.tacv2';
const payload = { pipeline: 'prod', parameters: { modelVersion: '3' } };

describe.each(storeCases)('confirmations on %s', (_name, makeStore) => {
  const env = useStore(makeStore);

  const create = () =>
    createConfirmation(env.store, env.clock, {
      action: 'deploy',
      payload,
      requestedBy: ana,
      conversationId: conv,
      ttlMs: 5 * 60_000,
    });

  it('creates a pending confirmation with an unguessable id and no extra requester fields', async () => {
    const c = await create();
    const other = await create();
    expect(c.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(other.id).not.toBe(c.id);
    expect(c).toEqual({
      id: c.id,
      action: 'deploy',
      payload,
      requestedBy: { id: ana.id, name: 'Ana', teamsId: '29:ana' },
      conversationId: conv,
      createdAt: 1_000_000,
      expiresAt: 1_000_000 + 5 * 60_000,
      state: 'pending',
    });
    expect(await getConfirmation(env.store, env.clock, c.id)).toEqual(c);
  });

  it('confirms exactly once under a double click; the late click learns who and when', async () => {
    const c = await create();
    const input = { id: c.id, actor: ana, decision: 'confirm' as const, conversationId: conv };
    const results = await Promise.all([
      decideConfirmation<typeof payload>(env.store, env.clock, input),
      decideConfirmation<typeof payload>(env.store, env.clock, input),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['alreadyDecided', 'confirmed']);
    const late = results.find((r) => r.outcome === 'alreadyDecided');
    expect(late).toMatchObject({
      confirmation: {
        state: 'confirmed',
        decidedBy: { id: ana.id, name: 'Ana' },
        decidedAt: 1_000_000,
        payload,
      },
    });

    env.clock.advance(23 * 3600_000); // a day-old card clicked again
    expect(await decideConfirmation(env.store, env.clock, input)).toMatchObject({
      outcome: 'alreadyDecided',
      confirmation: { decidedBy: { name: 'Ana' } },
    });
  });

  it('refuses an expired confirmation and remembers it expired', async () => {
    const c = await create();
    env.clock.advance(5 * 60_000);
    expect((await getConfirmation(env.store, env.clock, c.id))?.state).toBe('expired');
    const input = { id: c.id, actor: ana, decision: 'confirm' as const, conversationId: conv };
    const r = await decideConfirmation(env.store, env.clock, input);
    expect(r).toMatchObject({ outcome: 'expired', confirmation: { state: 'expired' } });
    expect(r).not.toHaveProperty('confirmation.decidedBy');
    expect(await decideConfirmation(env.store, env.clock, input)).toMatchObject({
      outcome: 'expired',
    });
  });

  it('does not let someone else confirm, even with override', async () => {
    const c = await create();
    const r = await decideConfirmation(env.store, env.clock, {
      id: c.id,
      actor: bo,
      decision: 'confirm',
      conversationId: conv,
      canOverride: true,
    });
    expect(r).toMatchObject({ outcome: 'notYours', confirmation: { state: 'pending' } });
    expect((await getConfirmation(env.store, env.clock, c.id))?.state).toBe('pending');
  });

  it('lets the requester cancel, and an overrider but not a bystander', async () => {
    const mine = await create();
    expect(
      await decideConfirmation(env.store, env.clock, {
        id: mine.id,
        actor: ana,
        decision: 'cancel',
        conversationId: conv,
      }),
    ).toMatchObject({
      outcome: 'cancelled',
      confirmation: { state: 'cancelled', decidedBy: { name: 'Ana' } },
    });

    const other = await create();
    const cancel = { id: other.id, actor: bo, decision: 'cancel' as const, conversationId: conv };
    expect((await decideConfirmation(env.store, env.clock, cancel)).outcome).toBe('notYours');
    expect(
      await decideConfirmation(env.store, env.clock, { ...cancel, canOverride: true }),
    ).toMatchObject({ outcome: 'cancelled', confirmation: { decidedBy: { name: 'Bo' } } });
    // Cancelled stays cancelled: a later confirm is refused.
    expect(
      (
        await decideConfirmation(env.store, env.clock, {
          id: other.id,
          actor: ana,
          decision: 'confirm',
          conversationId: conv,
        })
      ).outcome,
    ).toBe('alreadyDecided');
  });

  it('answers notFound and wrongConversation without leaking the confirmation', async () => {
    const c = await create();
    expect(
      await decideConfirmation(env.store, env.clock, {
        id: 'nope',
        actor: ana,
        decision: 'confirm',
        conversationId: conv,
      }),
    ).toEqual({ outcome: 'notFound' });
    expect(
      await decideConfirmation(env.store, env.clock, {
        id: c.id,
        actor: ana,
        decision: 'confirm',
        conversationId: '19:elsewhere',
      }),
    ).toEqual({ outcome: 'wrongConversation' });
  });

  it('rejects a non-positive ttl', async () => {
    await expect(
      createConfirmation(env.store, env.clock, {
        action: 'deploy',
        payload,
        requestedBy: ana,
        conversationId: conv,
        ttlMs: -1,
      }),
    ).rejects.toThrow(RangeError);
  });
});
