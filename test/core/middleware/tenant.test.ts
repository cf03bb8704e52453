import { TenantPolicy } from '../../../src/auth/tenant-policy';
import { tenant } from '../../../src/core/middleware/tenant';
import { aTurn, kit, recordingNext } from '../turn-kit';

describe('tenant middleware', () => {
  const setup = () => {
    const k = kit();
    return { ...k, middleware: tenant({ ...k, policy: new TenantPolicy(['t-1']) }) };
  };

  it('lets a turn from an allowed tenant through', async () => {
    const { middleware } = setup();
    const turn = aTurn();
    const { calls, next } = recordingNext(turn);
    await middleware(turn, next);
    expect(calls).toEqual(['next']);
  });

  it('refuses a message from another tenant with a card, audited, before anything runs', async () => {
    const { middleware, store } = setup();
    const turn = aTurn({ tenantIds: ['t-2'] });
    const { calls, next } = recordingNext(turn);
    await middleware(turn, next);
    expect(calls).toEqual([]);
    expect(turn.answer).toMatchObject({ kind: 'reply', reply: { card: 'message' } });
    const [record] = await store.queryAudit();
    expect(record).toMatchObject({
      action: 'tenant:message',
      outcome: 'refused',
      detail: 'tenant not allowed (t-2)',
    });
  });

  it('refuses a click naming two tenants with a 403', async () => {
    const { middleware } = setup();
    const turn = aTurn({ kind: 'cardAction', tenantIds: ['t-1', 't-2'] });
    await middleware(turn, recordingNext(turn).next);
    expect(turn.answer).toMatchObject({ kind: 'refused', status: 403 });
  });
});
