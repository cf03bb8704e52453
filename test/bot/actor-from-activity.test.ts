import { deliveryIdOf, tenantsOfActivity } from '../../src/bot/actor-from-activity';

describe('delivery and tenant ids from a Teams activity', () => {
  it('keeps a plausible activity id, digests a huge one, and drops one that is no string', () => {
    expect(deliveryIdOf({ id: '1700000000000' })).toBe('1700000000000');
    const huge = deliveryIdOf({ id: '../'.repeat(1000) });
    expect(huge).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(deliveryIdOf({ id: '../'.repeat(1000) })).toBe(huge);
    expect(deliveryIdOf({ id: { toString: 1 } as never })).toBeUndefined();
    expect(deliveryIdOf({ id: '' })).toBeUndefined();
  });

  it('names both places Teams puts the tenant', () => {
    expect(
      tenantsOfActivity({
        channelData: { tenant: { id: 't-1' } },
        conversation: { tenantId: 't-2' } as never,
      }),
    ).toEqual(['t-1', 't-2']);
  });
});
