import type { Activity } from 'botbuilder';

/** Why an activity is outside the tenant boundary, for the person, the log and the audit. */
export interface TenantRefusal {
  /** The tenant the activity names, if any (clipped). */
  tenantId?: string;
  reason: 'no tenant' | 'tenants disagree' | 'tenant not allowed';
}

/** The tenant a Teams activity names: `channelData.tenant.id` and `conversation.tenantId`. */
function tenantsOf(activity: Partial<Activity>): (string | undefined)[] {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannelData = channelData?.tenant?.id;
  const fromConversation = activity.conversation?.tenantId as unknown;
  return [fromChannelData, fromConversation].map((t) =>
    typeof t === 'string' && t !== '' ? t.slice(0, 100).toLowerCase() : undefined,
  );
}

/**
 * The tenant boundary (`CHATOPS_ALLOWED_TENANTS`): only people of the listed Entra tenants may
 * use the bot. A multi-tenant Teams app can be installed by any organization, and Teams names
 * the sender's tenant in `channelData.tenant.id` (and `conversation.tenantId`); an activity
 * that names none, or two different ones, is refused too. No list = every tenant (local mode).
 * @example new TenantPolicy(['8f2a…']).check(context.activity) // undefined = allowed
 */
export class TenantPolicy {
  private readonly allowed: Set<string>;

  constructor(allowed: readonly string[]) {
    this.allowed = new Set(allowed.map((t) => t.toLowerCase()));
  }

  /** Undefined when the activity may go on; otherwise why not. */
  check(activity: Partial<Activity>): TenantRefusal | undefined {
    if (this.allowed.size === 0) return undefined;
    const [a, b] = tenantsOf(activity);
    const tenantId = a ?? b;
    if (!tenantId) return { reason: 'no tenant' };
    if (a && b && a !== b) return { tenantId, reason: 'tenants disagree' };
    return this.allowed.has(tenantId) ? undefined : { tenantId, reason: 'tenant not allowed' };
  }
}
