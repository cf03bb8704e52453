import { manualClock } from '../../src/clock/clock';
import type { Clock } from '../../src/clock/clock';
import { once } from '../../src/store/once';
import type { PutOptions, Store } from '../../src/store/store';
import { StoreError } from '../../src/store/store-error';
import { updateDoc } from '../../src/store/update-doc';

/** A store whose owner can also purge it (every adapter can; the port leaves it out). */
export type PurgeableStore = Store & { purgeExpired(): Promise<number> };

/** Builds a fresh, empty store that reads time from `clock` (audit retention: default or given). */
export type StoreFactory = (
  clock: Clock,
  options?: { auditRetentionDays?: number },
) => Promise<PurgeableStore>;

const T0 = 1_700_000_000_000;
const DAY = 24 * 3600_000;
const ODD_KEYS = [
  '19:abc@thread.tacv2;messageid=1700000000000',
  'a/b\\c#d?e',
  'ends-with-dot.',
  '100% sure',
  'üñí©ødé 漢字',
  "quote'(star)*!",
];

/**
 * The behaviour every `Store` adapter must share; `memory-store.test.ts`, `sqlite-store.test.ts`
 * and `azure-store.test.ts` run it against their adapter.
 */
export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name} store contract`, () => {
    let clock: ReturnType<typeof manualClock>;
    let store: PurgeableStore;

    beforeEach(async () => {
      clock = manualClock(T0);
      store = await factory(clock);
    });
    afterEach(async () => {
      await store.close();
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
        expect((await store.put('confirmations', 'c1', 'stale', { etag: put.etag })).ok).toBe(
          false,
        );
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

    describe('audit', () => {
      const actor = (id: string) => ({ id, name: `User ${id}` });

      it('puts a document and appends its audit records in one call, only when the put wins', async () => {
        const record = { actor: actor('ana'), action: 'command:help', detail: 'help' } as const;
        const first = await store.putAndAudit(
          'dedupe',
          'activity:1',
          { done: true },
          { etag: null },
          [
            { ...record, outcome: 'ok' },
            { ...record, action: 'command:status', outcome: 'refused' },
          ],
        );
        expect(first.ok).toBe(true);
        expect((await store.get('dedupe', 'activity:1'))?.value).toEqual({ done: true });
        const lost = await store.putAndAudit('dedupe', 'activity:1', { done: 2 }, { etag: null }, [
          { ...record, action: 'lost', outcome: 'ok' },
        ]);
        expect(lost).toEqual({ ok: false, reason: 'conflict' });
        expect((await store.get('dedupe', 'activity:1'))?.value).toEqual({ done: true });
        expect((await store.queryAudit()).map((r) => r.action).sort()).toEqual([
          'command:help',
          'command:status',
        ]);
        clock.advance(1000);
        await store.putAndAudit('dedupe', 'activity:1', 1, { ttlMs: 500 }, []);
        clock.advance(501);
        expect(await store.get('dedupe', 'activity:1')).toBeUndefined();
      });

      it('keeps the whole outcome code next to its family', async () => {
        const base = { actor: actor('ana'), action: 'lock', detail: 'prod' } as const;
        await store.appendAudit({ ...base, outcome: 'refused', code: 'refused:locked' });
        clock.advance(1);
        await store.putAndAudit('dedupe', 'activity:code', 1, {}, [
          { ...base, action: 'deploy', outcome: 'failed', code: 'failed:devopsDown' },
        ]);
        clock.advance(1);
        await store.appendAudit({ ...base, action: 'status', outcome: 'ok' });
        const [status, deploy, lock] = await store.queryAudit();
        expect(lock).toMatchObject({ outcome: 'refused', code: 'refused:locked' });
        expect(deploy).toMatchObject({ outcome: 'failed', code: 'failed:devopsDown' });
        // A record written without one (older releases) has none.
        expect(status).toEqual(expect.objectContaining({ action: 'status', outcome: 'ok' }));
        expect(status).not.toHaveProperty('code');
      });

      it('returns records newest first, with the store time when `at` is omitted', async () => {
        await store.appendAudit({
          actor: actor('ana'),
          action: 'deploy',
          detail: 'qa',
          outcome: 'ok',
          runId: 7,
        });
        clock.advance(1000);
        await store.appendAudit({
          actor: actor('bo'),
          action: 'approve',
          detail: 'prod',
          outcome: 'refused',
          conversationId: '19:x@thread',
        });
        clock.advance(1000);
        await store.appendAudit({
          actor: actor('ana'),
          action: 'lock',
          detail: 'prod',
          outcome: 'failed',
        });
        await store.appendAudit({
          at: T0 - 5000,
          actor: actor('cy'),
          action: 'status',
          detail: '',
          outcome: 'ok',
        });

        const all = await store.queryAudit();
        expect(all.map((r) => [r.action, r.at])).toEqual([
          ['lock', T0 + 2000],
          ['approve', T0 + 1000],
          ['deploy', T0],
          ['status', T0 - 5000],
        ]);
        expect(all[1]).toEqual({
          at: T0 + 1000,
          actor: actor('bo'),
          action: 'approve',
          detail: 'prod',
          outcome: 'refused',
          conversationId: '19:x@thread',
        });
        expect(all[2]?.runId).toBe(7);
        expect((await store.queryAudit({ limit: 2 })).map((r) => r.action)).toEqual([
          'lock',
          'approve',
        ]);
        expect((await store.queryAudit({ since: T0 + 1000 })).map((r) => r.action)).toEqual([
          'lock',
          'approve',
        ]);
        expect((await store.queryAudit({ actorId: 'ana' })).map((r) => r.action)).toEqual([
          'lock',
          'deploy',
        ]);
        expect(
          (await store.queryAudit({ actorId: 'ana', since: T0 + 1, limit: 5 })).map(
            (r) => r.action,
          ),
        ).toEqual(['lock']);
        expect(await store.queryAudit({ actorId: 'nobody' })).toEqual([]);
      });

      it('orders records of the same millisecond newest first and spans days', async () => {
        for (const action of ['one', 'two', 'three']) {
          await store.appendAudit({ actor: actor('ana'), action, detail: '', outcome: 'ok' });
        }
        clock.advance(3 * 24 * 3600_000);
        await store.appendAudit({
          actor: actor('ana'),
          action: 'later',
          detail: '',
          outcome: 'ok',
        });
        expect((await store.queryAudit()).map((r) => r.action)).toEqual([
          'later',
          'three',
          'two',
          'one',
        ]);
        expect((await store.queryAudit({ limit: 3 })).map((r) => r.action)).toEqual([
          'later',
          'three',
          'two',
        ]);
      });

      it('keeps records 90 days by default', async () => {
        for (const [action, age] of [
          ['91 days', 91 * DAY],
          ['89 days', 89 * DAY],
        ] as const) {
          await store.appendAudit({
            at: T0 - age,
            actor: actor('ana'),
            action,
            detail: '',
            outcome: 'ok',
          });
        }
        expect((await store.queryAudit()).map((r) => r.action)).toEqual(['89 days']);
      });

      it('hides records past the retention at once and purges them', async () => {
        const kept = await factory(clock, { auditRetentionDays: 30 });
        const actions = async (opts = {}) => (await kept.queryAudit(opts)).map((r) => r.action);
        try {
          for (const [action, age] of [
            ['old', 31 * DAY],
            ['older', 40 * DAY],
            ['recent', 29 * DAY],
          ] as const) {
            await kept.appendAudit({
              at: T0 - age,
              actor: actor('bo'),
              action,
              detail: '',
              outcome: 'ok',
            });
          }
          expect(await actions()).toEqual(['recent']);
          expect(await actions({ since: 0, actorId: 'bo' })).toEqual(['recent']);
          expect(await kept.purgeExpired()).toBe(2);
          expect(await kept.purgeExpired()).toBe(0);

          clock.advance(2 * DAY);
          expect(await actions()).toEqual([]);
          expect(await kept.purgeExpired()).toBe(1);
          await kept.appendAudit({ actor: actor('bo'), action: 'now', detail: '', outcome: 'ok' });
          expect(await actions()).toEqual(['now']);
        } finally {
          await kept.close();
        }
      });
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
        expect((await store.claim('events', 2, 1000)).map((i) => i.id)).toEqual([
          'z-first',
          'b-now',
        ]);
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
        const claims = await Promise.all(
          [0, 1, 2].map(() => store.claim<number>('events', 4, 1000)),
        );
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
  });
}
