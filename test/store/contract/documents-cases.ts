import { manualClock } from '../../../src/clock/clock';
import { StoreError } from '../../../src/store/store-error';
import { ODD_KEYS, T0, type ContractEnv, type PurgeableStore } from './contract-env';

/** The store contract's documents cases (see `runStoreContract` in ../store-contract.ts). */
export function documentCases(env: () => ContractEnv): void {
  let store: PurgeableStore;
  let clock: ReturnType<typeof manualClock>;
  beforeEach(() => {
    ({ store, clock } = env());
  });

  describe('documents', () => {
    it('returns undefined for a missing document', async () => {
      expect(await store.get('settings', 'nope')).toBeUndefined();
    });

    it('stores a copy of the value and returns it with an eTag', async () => {
      const value = { a: 1, nested: { list: [1, 'two', null] }, when: new Date(T0) };
      const put = await store.put('settings', 'k', value);
      if (!put.ok) throw new Error('put failed');
      value.a = 2;
      const doc = await store.get<typeof value>('settings', 'k');
      expect(doc).toEqual({
        key: 'k',
        value: { a: 1, nested: { list: [1, 'two', null] }, when: new Date(T0).toISOString() },
        etag: put.etag,
      });
    });

    it('overwrites unconditionally and changes the eTag', async () => {
      const first = await store.put('settings', 'k', 'one');
      const second = await store.put('settings', 'k', 'two');
      expect(first.ok && second.ok).toBe(true);
      if (!first.ok || !second.ok) return;
      expect(second.etag).not.toBe(first.etag);
      expect((await store.get('settings', 'k'))?.value).toBe('two');
    });

    it('keeps collections apart', async () => {
      await store.put('locks', 'prod', 'lock');
      await store.put('settings', 'prod', 'setting');
      expect((await store.get('locks', 'prod'))?.value).toBe('lock');
      expect((await store.get('settings', 'prod'))?.value).toBe('setting');
      expect(await store.list('conversations')).toEqual([]);
    });

    it('round-trips keys with reserved and non-ASCII characters', async () => {
      for (const key of ODD_KEYS) await store.put('conversations', key, { key });
      for (const key of ODD_KEYS) {
        expect((await store.get('conversations', key))?.value).toEqual({ key });
      }
      const keys = (await store.list('conversations')).map((d) => d.key);
      expect(keys).toEqual([...ODD_KEYS].sort());
    });

    it('deletes, and reports whether something was deleted', async () => {
      await store.put('locks', 'prod', 1);
      expect(await store.delete('locks', 'prod')).toBe(true);
      expect(await store.get('locks', 'prod')).toBeUndefined();
      expect(await store.delete('locks', 'prod')).toBe(false);
    });

    it('deletes with an eTag only when it matches', async () => {
      const put = await store.put('locks', 'prod', 1);
      await store.put('locks', 'prod', 2);
      if (!put.ok) throw new Error('put failed');
      expect(await store.delete('locks', 'prod', put.etag)).toBe(false);
      const current = await store.get('locks', 'prod');
      expect(current?.value).toBe(2);
      expect(await store.delete('locks', 'prod', current?.etag)).toBe(true);
    });

    it('rejects bad names, empty keys and unserializable values with a StoreError', async () => {
      await expect(store.put('bad/name', 'k', 1)).rejects.toBeInstanceOf(StoreError);
      await expect(store.get('settings', '')).rejects.toMatchObject({ code: 'invalid' });
      await expect(store.put('settings', 'k', undefined)).rejects.toMatchObject({
        code: 'invalid',
      });
      await expect(store.enqueue('q', '', 1)).rejects.toMatchObject({ code: 'invalid' });
    });
  });

  describe('compare-and-set', () => {
    it('creates only once with etag null', async () => {
      expect((await store.put('locks', 'prod', 'a', { etag: null })).ok).toBe(true);
      expect(await store.put('locks', 'prod', 'b', { etag: null })).toEqual({
        ok: false,
        reason: 'conflict',
      });
      expect((await store.get('locks', 'prod'))?.value).toBe('a');
    });

    it('lets exactly one of several concurrent creates win', async () => {
      const results = await Promise.all(
        [0, 1, 2, 3, 4].map((i) => store.put('locks', 'prod', i, { etag: null })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const winner = results.findIndex((r) => r.ok);
      expect((await store.get('locks', 'prod'))?.value).toBe(winner);
    });

    it('refuses a stale eTag and accepts the current one', async () => {
      const first = await store.put('locks', 'prod', 1);
      if (!first.ok) throw new Error('put failed');
      const second = await store.put('locks', 'prod', 2, { etag: first.etag });
      expect(second.ok).toBe(true);
      expect(await store.put('locks', 'prod', 3, { etag: first.etag })).toEqual({
        ok: false,
        reason: 'conflict',
      });
      expect((await store.get('locks', 'prod'))?.value).toBe(2);
    });

    it('refuses an eTag for a document that does not exist', async () => {
      const put = await store.put('locks', 'prod', 1);
      if (!put.ok) throw new Error('put failed');
      await store.delete('locks', 'prod');
      expect((await store.put('locks', 'prod', 2, { etag: put.etag })).ok).toBe(false);
      expect(await store.get('locks', 'prod')).toBeUndefined();
    });

    it('lets exactly one concurrent update win per round', async () => {
      await store.put('settings', 'counter', 0);
      for (let round = 1; round <= 3; round++) {
        const doc = await store.get<number>('settings', 'counter');
        if (!doc) throw new Error('missing');
        const results = await Promise.all(
          [0, 1, 2, 3].map((i) =>
            store.put('settings', 'counter', round * 10 + i, { etag: doc.etag }),
          ),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        const winner = results.findIndex((r) => r.ok);
        expect((await store.get('settings', 'counter'))?.value).toBe(round * 10 + winner);
      }
    });
  });

  describe('time to live', () => {
    it('hides a document once its ttl has passed', async () => {
      await store.put('dedupe', 'evt', 1, { ttlMs: 1000 });
      expect((await store.get('dedupe', 'evt'))?.expiresAt).toBe(T0 + 1000);
      clock.advance(999);
      expect((await store.get('dedupe', 'evt'))?.value).toBe(1);
      expect(await store.list('dedupe')).toHaveLength(1);
      clock.advance(1);
      expect(await store.get('dedupe', 'evt')).toBeUndefined();
      expect(await store.list('dedupe')).toEqual([]);
      expect(await store.delete('dedupe', 'evt')).toBe(false);
    });

    it('treats an expired document as absent for compare-and-set', async () => {
      const put = await store.put('confirmations', 'c1', 'old', { ttlMs: 50 });
      if (!put.ok) throw new Error('put failed');
      clock.advance(50);
      expect((await store.put('confirmations', 'c1', 'stale', { etag: put.etag })).ok).toBe(false);
      expect(await store.delete('confirmations', 'c1', put.etag)).toBe(false);
      expect((await store.put('confirmations', 'c1', 'new', { etag: null })).ok).toBe(true);
      const doc = await store.get('confirmations', 'c1');
      expect(doc?.value).toBe('new');
      expect(doc?.expiresAt).toBeUndefined();
    });

    it('lets one of several concurrent creates replace an expired document', async () => {
      await store.put('dedupe', 'evt', 'old', { ttlMs: 10 });
      clock.advance(10);
      const results = await Promise.all(
        [1, 2, 3].map((i) => store.put('dedupe', 'evt', i, { etag: null })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('drops the expiry when a document is rewritten without ttl', async () => {
      await store.put('settings', 'k', 1, { ttlMs: 10 });
      await store.put('settings', 'k', 2);
      clock.advance(1_000_000);
      expect((await store.get('settings', 'k'))?.value).toBe(2);
    });
  });

  describe('list', () => {
    it('lists live documents by prefix, ordered by key, with usable eTags', async () => {
      for (const key of ['b', 'a:2', 'a:10', 'a:1', 'ab', 'a'])
        await store.put('run-cards', key, key);
      await store.put('run-cards', 'a:3', 'gone', { ttlMs: 1 });
      await store.put('locks', 'a:0', 'other collection');
      clock.advance(1);
      const docs = await store.list<string>('run-cards', 'a:');
      expect(docs.map((d) => d.key)).toEqual(['a:1', 'a:10', 'a:2']);
      expect(docs.map((d) => d.value)).toEqual(['a:1', 'a:10', 'a:2']);
      expect((await store.list('run-cards')).map((d) => d.key)).toEqual([
        'a',
        'a:1',
        'a:10',
        'a:2',
        'ab',
        'b',
      ]);
      const first = docs[0];
      if (!first) throw new Error('empty list');
      expect((await store.put('run-cards', first.key, 'updated', { etag: first.etag })).ok).toBe(
        true,
      );
      expect(await store.list('run-cards', 'zzz')).toEqual([]);
    });
  });
}
