/** Why a sender is outside the tenant boundary, for the person, the log and the audit. */
export interface TenantRefusal {
  /** The tenant the sender names, if any (clipped). */
  tenantId?: string;
  reason: 'no tenant' | 'tenants disagree' | 'tenant not allowed';
}

/**
 * The tenant boundary (`CHATOPS_ALLOWED_TENANTS`): only people of the listed Entra tenants may
 * use the bot. A multi-tenant Teams app can be installed by any organization; the transport
 * passes every tenant id the platform names for the sender (Teams: `channelData.tenant.id` and
 * `conversation.tenantId`). A sender naming none, or two different ones, is refused too.
 * No list = every tenant (local mode).
 * @example new TenantPolicy(['8f2a…']).check(['8f2a…', undefined]) // undefined = allowed
 */
export class TenantPolicy {
  private readonly allowed: Set<string>;

  constructor(allowed: readonly string[]) {
    this.allowed = new Set(allowed.map((t) => t.toLowerCase()));
  }

  /** Undefined when the sender may go on; otherwise why not. */
  check(tenantIds: readonly unknown[]): TenantRefusal | undefined {
    if (this.allowed.size === 0) return undefined;
    const named = tenantIds.map((t) =>
      typeof t === 'string' && t !== '' ? t.slice(0, 100).toLowerCase() : undefined,
    );
    const tenantId = named.find((t) => t !== undefined);
    if (!tenantId) return { reason: 'no tenant' };
    if (named.some((t) => t !== undefined && t !== tenantId)) {
      return { tenantId, reason: 'tenants disagree' };
    }
    return this.allowed.has(tenantId) ? undefined : { tenantId, reason: 'tenant not allowed' };
  }
}
