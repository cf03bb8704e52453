import type { TenantPolicy } from '../../auth/tenant-policy';
import type { Logger } from '../../logging/create-logger';
import type { Store } from '../../store/store';
import { auditEntry } from '../audit-entry';
import type { Turn, TurnMiddleware } from '../turn';
import { refusal } from '../turn';

export const OTHER_TENANT =
  'This bot serves only the organizations its administrators allowed, and yours is not one of them. Nothing was done.';

export interface TenantDeps {
  policy?: TenantPolicy;
  store: Store;
  clock: { now(): number };
  secrets?: readonly string[];
  logger: Logger;
}

/**
 * True (logged and audited) when the sender is outside the tenant boundary; checked before
 * anything is read, stored or sent to Azure DevOps. Transports use it for what is not a turn
 * (an install, a sign-in answer).
 * @example if (await refusedTenant(deps, turnFields, 'install')) return;
 */
export async function refusedTenant(
  deps: TenantDeps,
  who: Pick<Turn, 'actor' | 'conversation' | 'tenantIds' | 'deliveryId'>,
  kind: string,
): Promise<boolean> {
  const refused = deps.policy?.check(who.tenantIds);
  if (!refused) return false;
  deps.logger.warn(
    { activityId: who.deliveryId, actor: who.actor.id, kind, ...refused },
    'activity from outside the allowed tenants refused',
  );
  const record = auditEntry(who, deps, {
    action: `tenant:${kind}`,
    detail: `${refused.reason} (${refused.tenantId ?? 'none'})`,
    outcome: 'refused',
  });
  // The audit log must not turn a refusal into an error; the store logs its own failures.
  await deps.store.appendAudit(record).catch(() => undefined);
  return true;
}

/**
 * The tenant boundary: a turn from outside the allowed tenants is refused before it is stored.
 * @example composeTurnPipeline([respond(), tenant(deps), delivery(ledger, deps), …])
 */
export function tenant(deps: TenantDeps): TurnMiddleware {
  return async (turn, next) => {
    if (!(await refusedTenant(deps, turn, turn.kind === 'message' ? 'message' : 'card'))) {
      await next();
      return;
    }
    turn.answer = refusal(turn, 403, ['attention', 'Not available to you', OTHER_TENANT]);
  };
}
