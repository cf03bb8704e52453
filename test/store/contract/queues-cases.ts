import { manualClock } from '../../../src/clock/clock';
import type { PutOptions, Store } from '../../../src/store/store';
import { once } from '../../../src/store/once';
import { updateDoc } from '../../../src/store/update-doc';
import { T0, type ContractEnv, type PurgeableStore } from './contract-env';

/** The store contract's queues cases (see `runStoreContract` in ../store-contract.ts). */
export function queueCases(env: () => ContractEnv): void {
  let store: PurgeableStore;
  let clock: ReturnType<typeof manualClock>;
  beforeEach(() => {
    ({ store, clock } = env());
  });

  describe('queues', () => {
    it('enqueues idempotently by id', async () => {
      expect(await store.enqueue('events', 'e1', { n: 1 })).toBe(true);
      expect(await store.enqueue('events', 'e1', { n: 2 })).toBe(false);
      expect(await store.queueLength('events')).toBe(1);
      const [item] = await store.claim<{ n: number }>('events', 10, 1000);
      expect(item).toEqual({ id: 'e1', payload: { n: 1 }, attempts: 1, availableAt: T0 + 1000 });
    });

    it('claims available items ordered by availableAt, then enqueue order, up to the limit', async () => {
      await store.enqueue('events', 'late', 'late', { availableAt: T0 + 500 });
      await store.enqueue('events', 'z-first', 'z', { availableAt: T0 - 100 });
      await store.enqueue('events', 'b-now', 'b');
      await store.enqueue('events', 'a-now', 'a');
      await store.enqueue('other', 'x', 'x');
      expect(await store.claim('events', 0, 1000)).toEqual([]);
      expect((await store.claim('events', 2, 1000)).map((i) => i.id)).toEqual(['z-first', 'b-now']);
      expect((await store.claim('events', 5, 1000)).map((i) => i.id)).toEqual(['a-now']);
      clock.advance(500);
      expect((await store.claim('events', 5, 1000)).map((i) => i.id)).toEqual(['late']);
      expect(await store.queueLength('events')).toBe(4);
      expect(await store.queueLength('other')).toBe(1);
    });

    it('hides a claimed item for visibilityMs and counts attempts', async () => {
      await store.enqueue('events', 'e1', 'p');
      expect((await store.claim('events', 1, 1000))[0]?.attempts).toBe(1);
      expect(await store.claim('events', 1, 1000)).toEqual([]);
      clock.advance(999);
      expect(await store.claim('events', 1, 1000)).toEqual([]);
      clock.advance(1);
      const [again] = await store.claim('events', 1, 1000);
      expect(again).toMatchObject({ id: 'e1', attempts: 2, availableAt: T0 + 2000 });
    });

    it('releases an item to a later time and completes it for good', async () => {
      await store.enqueue('events', 'e1', 'p');
      await store.claim('events', 1, 60_000);
      await store.release('events', 'e1', T0 + 10);
      expect(await store.claim('events', 1, 1000)).toEqual([]);
      clock.advance(10);
      const [item] = await store.claim('events', 1, 1000);
      expect(item?.attempts).toBe(2);
      await store.complete('events', 'e1');
      expect(await store.queueLength('events')).toBe(0);
      clock.advance(1_000_000);
      expect(await store.claim('events', 1, 1000)).toEqual([]);
      await expect(store.complete('events', 'missing')).resolves.toBeUndefined();
      await expect(store.release('events', 'missing', T0)).resolves.toBeUndefined();
    });

    it('gives each item to exactly one of several concurrent claimers', async () => {
      for (let i = 0; i < 6; i++) await store.enqueue('events', `e${i}`, i);
      const claims = await Promise.all([0, 1, 2].map(() => store.claim<number>('events', 4, 1000)));
      const ids = claims.flat().map((i) => i.id);
      expect(ids.sort()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
    });
  });

  describe('leases', () => {
    it('refuses a second holder while the lease is live and hands over after expiry', async () => {
      expect(await store.acquireLease('poller', 'replica-a', 1000)).toBe(true);
      expect(await store.acquireLease('poller', 'replica-b', 1000)).toBe(false);
      clock.advance(500);
      expect(await store.acquireLease('poller', 'replica-a', 1000)).toBe(true);
      clock.advance(999);
      expect(await store.acquireLease('poller', 'replica-b', 1000)).toBe(false);
      clock.advance(1);
      expect(await store.acquireLease('poller', 'replica-b', 1000)).toBe(true);
      expect(await store.acquireLease('poller', 'replica-a', 1000)).toBe(false);
      expect(await store.acquireLease('other', 'replica-a', 1000)).toBe(true);
    });

    it('releases only for the holder', async () => {
      await store.acquireLease('poller', 'replica-a', 60_000);
      await store.releaseLease('poller', 'replica-b');
      expect(await store.acquireLease('poller', 'replica-b', 1000)).toBe(false);
      await store.releaseLease('poller', 'replica-a');
      expect(await store.acquireLease('poller', 'replica-b', 1000)).toBe(true);
      await expect(store.releaseLease('never-taken', 'x')).resolves.toBeUndefined();
    });

    it('gives a contested lease to exactly one holder', async () => {
      const won = await Promise.all(
        ['a', 'b', 'c', 'd'].map((h) => store.acquireLease('poller', h, 1000)),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('once', () => {
    it('is true only the first time an id is seen within the ttl', async () => {
      expect(await once(store, 'activity-1', 1000)).toBe(true);
      expect(await once(store, 'activity-1', 1000)).toBe(false);
      expect(await once(store, 'activity-2', 1000)).toBe(true);
      clock.advance(1000);
      expect(await once(store, 'activity-1', 1000)).toBe(true);
    });

    it('is true for exactly one of several concurrent callers', async () => {
      const seen = await Promise.all([1, 2, 3, 4].map(() => once(store, 'event-9', 60_000)));
      expect(seen.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('updateDoc', () => {
    it('creates, updates and loses no concurrent increment', async () => {
      const inc = () =>
        updateDoc<number>(store, 'settings', 'count', (n) => (n ?? 0) + 1, { retries: 10 });
      expect((await inc())?.value).toBe(1);
      await Promise.all([inc(), inc(), inc(), inc()]);
      expect((await store.get('settings', 'count'))?.value).toBe(5);
    });

    it('leaves the document alone when fn returns undefined', async () => {
      await store.put('locks', 'prod', { by: 'ana' });
      const before = await store.get('locks', 'prod');
      const after = await updateDoc(store, 'locks', 'prod', () => undefined);
      expect(after).toEqual(before);
    });

    it('gives up after its retries and returns what the conflict left', async () => {
      let writes = 0;
      // Another writer gets in between every read and write.
      const meddling = {
        get: store.get.bind(store),
        put: async (collection: string, key: string, value: unknown, opts?: PutOptions) => {
          writes++;
          await store.put(collection, key, 1000 + writes);
          return store.put(collection, key, value, opts);
        },
      } as unknown as Store;
      const result = await updateDoc<number>(meddling, 'settings', 'k', (n) => (n ?? 0) + 1, {
        retries: 1,
      });
      expect(writes).toBe(2);
      expect(result?.value).toBe(1002);
    });
  });
}
