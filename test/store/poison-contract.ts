import { MAX_POISON_ERROR } from '../../src/store/poison-item';
import type { Store } from '../../src/store/store';

/** What the contract uses of a store. */
export type PoisonStore = Pick<
  Store,
  'enqueue' | 'claim' | 'queueLength' | 'deadLetter' | 'listPoison' | 'close'
>;

/**
 * The poison-list contract every store keeps, on a fresh store from `factory`: an item given
 * up on leaves its queue and is kept, with its error, for admins to read.
 * @example runPoisonContract('SqliteStore', async () => sqlitePoisonStore(tmpFile()));
 */
export function runPoisonContract(name: string, factory: () => Promise<PoisonStore>): void {
  describe(`${name} poison lists`, () => {
    let store: PoisonStore;

    beforeEach(async () => {
      store = await factory();
    });

    afterEach(async () => {
      await store.close();
    });

    it('keeps an item given up on, with its error, instead of deleting it', async () => {
      await store.enqueue('ado-events', 'ev-1', { eventType: 'build.complete' });
      await store.enqueue('ado-events', 'ev-2', 'stays');
      const [item] = await store.claim('ado-events', 1, 30_000);
      expect(item?.id).toBe('ev-1');
      const before = Date.now() - 60_000;
      await store.deadLetter('ado-events', 'ev-1', 'failed 8 times: 500 from Teams');
      expect(await store.queueLength('ado-events')).toBe(1);
      const [poison, ...rest] = await store.listPoison('ado-events');
      expect(rest).toEqual([]);
      expect(poison).toEqual({
        id: 'ev-1',
        payload: { eventType: 'build.complete' },
        attempts: 1,
        error: 'failed 8 times: 500 from Teams',
        failedAt: expect.any(Number),
      });
      expect(poison!.failedAt).toBeGreaterThan(before);
      // The id is free again, and other queues have nothing given up on.
      expect(await store.enqueue('ado-events', 'ev-1', 'again')).toBe(true);
      expect(await store.listPoison('outbox')).toEqual([]);
    });

    it('lists oldest first up to a limit, caps the error and ignores unknown ids', async () => {
      for (const id of ['a', 'b', 'c']) await store.enqueue('outbox', id, id);
      const claimed = await store.claim<string>('outbox', 3, 30_000);
      expect(claimed.map((i) => i.id).sort()).toEqual(['a', 'b', 'c']);
      for (const id of ['b', 'a', 'c']) await store.deadLetter('outbox', id, 'x'.repeat(5000));
      await expect(store.deadLetter('outbox', 'missing', 'no')).resolves.toBeUndefined();
      expect((await store.listPoison('outbox')).map((p) => p.id)).toEqual(['b', 'a', 'c']);
      const [first] = await store.listPoison<string>('outbox', 1);
      expect(first).toMatchObject({ id: 'b', payload: 'b' });
      expect(first!.error).toHaveLength(MAX_POISON_ERROR);
      expect(await store.listPoison('outbox', 2)).toHaveLength(2);
      expect(await store.queueLength('outbox')).toBe(0);
    });
  });
}
