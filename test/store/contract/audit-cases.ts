import { manualClock } from '../../../src/clock/clock';
import { DAY, T0, type ContractEnv, type PurgeableStore } from './contract-env';

/** The store contract's audit cases (see `runStoreContract` in ../store-contract.ts). */
export function auditCases(env: () => ContractEnv): void {
  let store: PurgeableStore;
  let clock: ReturnType<typeof manualClock>;
  let factory: ContractEnv['factory'];
  beforeEach(() => {
    ({ store, clock, factory } = env());
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
        (await store.queryAudit({ actorId: 'ana', since: T0 + 1, limit: 5 })).map((r) => r.action),
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
}
