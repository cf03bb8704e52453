import { manualClock } from '../../src/clock/clock';
import { SqliteStore } from '../../src/store/sqlite-store';
import { audit } from '../../src/use-cases/audit';
import { lockEnvironment } from '../../src/use-cases/lock-environment';
import { ENGINEER, LEAD, handlerHarness } from '../commands/handlers/handler-harness';

describe('audit: the whole outcome code is kept next to its family', () => {
  it('a use-case refusal is stored as refused with its reason code', async () => {
    const h = handlerHarness();
    const lock = (actor = ENGINEER) =>
      lockEnvironment({ environment: 'QA', reason: 'testing' }, h.context(actor), h.deps());
    await lock();
    h.clock.advance(1);
    expect((await lock(LEAD)).code).toBe('refused:locked');
    expect((await h.store.queryAudit()).map((a) => [a.outcome, a.code])).toEqual([
      ['refused', 'refused:locked'],
      ['ok', 'ok'],
    ]);
  });

  it('on SQLite: queued, failed:<why> and a bare family (which carries no code)', async () => {
    const clock = manualClock(1_700_000_000_000);
    const store = SqliteStore.open({ path: ':memory:', clock });
    const ctx = { actor: ENGINEER, conversation: { id: 'conv-1' } };
    try {
      await audit({ store, clock }, ctx, { action: 'run', detail: 'qa', outcome: 'queued' });
      clock.advance(1);
      await audit({ store, clock }, ctx, {
        action: 'deploy',
        detail: 'prod',
        outcome: 'failed:devopsDown',
      });
      clock.advance(1);
      await audit({ store, clock }, ctx, { action: 'doctor', detail: 'no', outcome: 'refused' });
      const records = await store.queryAudit();
      expect(records.map((r) => [r.action, r.outcome, r.code])).toEqual([
        ['doctor', 'refused', undefined],
        ['deploy', 'failed', 'failed:devopsDown'],
        ['run', 'ok', 'queued'],
      ]);
    } finally {
      await store.close();
    }
  });
});
