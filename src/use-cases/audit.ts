import { maskSecrets } from '../text/mask-secrets';
import type { AuditRecord } from '../store/store';
import { outcomeFamily, type OutcomeCode } from './outcome-code';
import type { UseCaseContext, UseCaseDeps } from './use-case-deps';

/**
 * Appends one audit record for what a person did through the bot. Never throws. `outcome` is
 * the use-case's outcome code (or a bare family): the record keeps the whole code (`code`,
 * e.g. `refused:locked`) and files it under its family (`outcome`: ok/refused/failed).
 * @example await audit(deps, ctx, { action: 'cancel', detail: 'run 5 of [QA]-Deploy', outcome: 'ok' });
 */
export async function audit(
  deps: Pick<UseCaseDeps, 'store' | 'clock' | 'secrets'>,
  ctx: Pick<UseCaseContext, 'actor' | 'conversation'>,
  record: Omit<AuditRecord, 'actor' | 'at' | 'conversationId' | 'outcome'> & {
    outcome: OutcomeCode | AuditRecord['outcome'];
  },
): Promise<void> {
  const family =
    record.outcome === 'refused' || record.outcome === 'failed'
      ? record.outcome
      : outcomeFamily(record.outcome);
  // A bare family says no more than `outcome` does: no code then.
  const bare = record.outcome === 'refused' || record.outcome === 'failed';
  try {
    await deps.store.appendAudit({
      ...record,
      // A usage error is not audited by use-cases; should one be, it counts as refused.
      outcome: family === 'usage' ? 'refused' : family,
      ...(!bare && { code: record.outcome }),
      // Someone may paste a token into chat; the audit log keeps what they did, not the secret.
      // Masked before clipped: a secret cut in half no longer looks like one.
      detail: clipDetail(maskSecrets(record.detail, deps.secrets ?? [])),
      at: deps.clock.now(),
      actor: { id: ctx.actor.id, name: ctx.actor.name },
      conversationId: ctx.conversation.id,
    });
  } catch {
    // The audit log must not turn a done deploy into an error message; the store logs its own failures.
  }
}

/** Longest audit detail kept. */
const MAX_AUDIT_DETAIL = 300;

function clipDetail(detail: string): string {
  return detail.length > MAX_AUDIT_DETAIL ? `${detail.slice(0, MAX_AUDIT_DETAIL)}…` : detail;
}
