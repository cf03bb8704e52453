import { acquireLock } from '../../src/locks/acquire-lock';
import { checkDeployAllowed } from '../../src/locks/check-deploy-allowed';
import { getLock } from '../../src/locks/get-lock';
import { listLocks } from '../../src/locks/list-locks';
import { releaseLock } from '../../src/locks/release-lock';
import { storeCases, useStore } from './store-cases';

const ana = { id: 'aad-ana', name: 'Ana', teamsId: '29:ana' };
const bo = { id: 'aad-bo', name: 'Bo', teamsId: '29:bo' };

describe.each(storeCases)('environment locks on %s', (_name, makeStore) => {
  const env = useStore(makeStore);

  it('gives a free environment to exactly one of two concurrent lockers and names the holder', async () => {
    const [a, b] = await Promise.all([
      acquireLock(env.store, env.clock, { environment: 'prod', actor: ana, reason: 'release 3' }),
      acquireLock(env.store, env.clock, { environment: 'prod', actor: bo, reason: 'hotfix' }),
    ]);
    const outcomes = [a.outcome, b.outcome].sort();
    expect(outcomes).toEqual(['heldByOther', 'locked']);
    const winner = a.outcome === 'locked' ? a : b;
    const loser = a.outcome === 'locked' ? b : a;
    expect(loser.lock.owner).toEqual(winner.lock.owner);
    expect(await getLock(env.store, env.clock, 'prod')).toEqual(winner.lock);
  });

  it('answers alreadyYours without changing the lock', async () => {
    const first = await acquireLock(env.store, env.clock, {
      environment: 'prod',
      actor: ana,
      reason: 'release 3',
    });
    env.clock.advance(1000);
    const again = await acquireLock(env.store, env.clock, {
      environment: 'prod',
      actor: ana,
      reason: 'other',
    });
    expect(again).toEqual({ outcome: 'alreadyYours', lock: first.lock });
  });

  it('frees an expired lock for the next person', async () => {
    await acquireLock(env.store, env.clock, {
      environment: 'prod',
      actor: ana,
      reason: 'r',
      ttlMs: 60_000,
    });
    env.clock.advance(59_999);
    expect(
      (await acquireLock(env.store, env.clock, { environment: 'prod', actor: bo, reason: 'x' }))
        .outcome,
    ).toBe('heldByOther');
    env.clock.advance(1);
    expect(await getLock(env.store, env.clock, 'prod')).toBeUndefined();
    expect(await checkDeployAllowed(env.store, env.clock, 'prod', bo)).toEqual({ allowed: true });
    const taken = await acquireLock(env.store, env.clock, {
      environment: 'prod',
      actor: bo,
      reason: 'x',
    });
    expect(taken).toMatchObject({ outcome: 'locked', lock: { owner: { id: bo.id, name: 'Bo' } } });
  });

  it('refuses to unlock for someone else, and force unlocks', async () => {
    await acquireLock(env.store, env.clock, { environment: 'prod', actor: ana, reason: 'r' });
    const refused = await releaseLock(env.store, env.clock, { environment: 'prod', actor: bo });
    expect(refused).toMatchObject({ outcome: 'heldByOther', lock: { owner: { name: 'Ana' } } });
    expect(await getLock(env.store, env.clock, 'prod')).toBeDefined();

    const forced = await releaseLock(env.store, env.clock, {
      environment: 'prod',
      actor: bo,
      force: true,
    });
    expect(forced).toMatchObject({ outcome: 'unlocked', lock: { owner: { name: 'Ana' } } });
    expect(await getLock(env.store, env.clock, 'prod')).toBeUndefined();
    expect(await releaseLock(env.store, env.clock, { environment: 'prod', actor: ana })).toEqual({
      outcome: 'notLocked',
    });
  });

  it('lets the owner unlock exactly once under concurrent unlocks', async () => {
    await acquireLock(env.store, env.clock, { environment: 'qa', actor: ana, reason: 'r' });
    const results = await Promise.all([
      releaseLock(env.store, env.clock, { environment: 'qa', actor: ana }),
      releaseLock(env.store, env.clock, { environment: 'qa', actor: ana }),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['notLocked', 'unlocked']);
  });

  it('blocks deploys by others but not by the owner', async () => {
    const { lock } = await acquireLock(env.store, env.clock, {
      environment: 'prod',
      actor: ana,
      reason: 'r',
    });
    expect(await checkDeployAllowed(env.store, env.clock, 'prod', ana)).toEqual({ allowed: true });
    expect(await checkDeployAllowed(env.store, env.clock, 'prod', bo)).toEqual({
      allowed: false,
      lock,
    });
    expect(await checkDeployAllowed(env.store, env.clock, 'qa', bo)).toEqual({ allowed: true });
  });

  it('lists live locks sorted by environment', async () => {
    await acquireLock(env.store, env.clock, { environment: 'qa', actor: bo, reason: 'b' });
    await acquireLock(env.store, env.clock, {
      environment: 'dev',
      actor: ana,
      reason: 'a',
      ttlMs: 10,
    });
    await acquireLock(env.store, env.clock, { environment: 'custom-qa', actor: ana, reason: 'c' });
    env.clock.advance(10);
    const locks = await listLocks(env.store, env.clock);
    expect(locks.map((l) => l.environment)).toEqual(['custom-qa', 'qa']);
  });

  it('rejects a non-positive ttl', async () => {
    await expect(
      acquireLock(env.store, env.clock, { environment: 'prod', actor: ana, reason: 'r', ttlMs: 0 }),
    ).rejects.toThrow(RangeError);
  });
});
