import { lockEnvironment, unlockEnvironment } from '../../src/use-cases/lock-environment';
import { ENGINEER, LEAD, STRANGER, handlerHarness } from '../commands/handlers/handler-harness';

describe('lockEnvironment / unlockEnvironment: outcomes with reason codes', () => {
  it('locked, already-yours, then refused:locked for someone else (audited)', async () => {
    const h = handlerHarness();
    const lock = (actor = ENGINEER) =>
      lockEnvironment({ environment: 'QA', reason: 'testing' }, h.context(actor), h.deps());
    expect(await lock()).toMatchObject({ code: 'locked', environment: { key: 'qa' } });
    expect((await lock()).code).toBe('already-yours');
    expect(await lock(LEAD)).toMatchObject({
      code: 'refused:locked',
      lock: { owner: { id: ENGINEER.id } },
    });
    expect((await h.store.queryAudit()).map((a) => a.outcome).sort()).toEqual([
      'ok',
      'ok',
      'refused',
    ]);
  });

  it('refused:not-allowed for someone who may not deploy there', async () => {
    const h = handlerHarness();
    const outcome = await lockEnvironment(
      { environment: 'prod', reason: '' },
      h.context(STRANGER),
      h.deps(),
    );
    expect(outcome.code).toBe('refused:not-allowed');
  });

  it('masks a pasted secret in the reason before it is stored', async () => {
    const h = handlerHarness();
    const deps = { ...h.deps(), secrets: ['s3cr3t-value'] };
    const outcome = await lockEnvironment(
      { environment: 'qa', reason: 'token s3cr3t-value' },
      h.context(ENGINEER),
      deps,
    );
    if (outcome.code !== 'locked') throw new Error(outcome.code);
    expect(outcome.lock.reason).not.toContain('s3cr3t-value');
  });

  it('unlock: refused:not-locked, refused:locked, unlocked; an admin forces (forced)', async () => {
    const h = handlerHarness();
    const unlock = (actor = ENGINEER, force = false) =>
      unlockEnvironment({ environment: 'qa', force }, h.context(actor), h.deps());
    expect((await unlock()).code).toBe('refused:not-locked');
    await lockEnvironment({ environment: 'qa', reason: '' }, h.context(ENGINEER), h.deps());
    expect((await unlock(LEAD)).code).toBe('refused:locked');
    expect((await unlock(STRANGER, true)).code).toBe('refused:not-allowed');
    expect(await unlock(LEAD, true)).toMatchObject({ code: 'unlocked', forced: true });
  });
});
