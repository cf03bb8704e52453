import { maskSecrets } from '../text/mask-secrets';
import type { AuditRecord } from '../store/store';
import type { Turn } from './turn';

/** Longest audit detail kept (as handler-kit's `audit`). */
const MAX_AUDIT_DETAIL = 300;

/**
 * An audit record of what happened in a turn, by whom and where. Secrets are masked before the
 * detail is clipped: a secret cut in half no longer looks like one.
 * @example turn.audit.push(auditEntry(turn, deps, { action: 'command:help', detail: 'help', outcome: 'ok' }));
 */
export function auditEntry(
  turn: Pick<Turn, 'actor' | 'conversation'>,
  deps: { clock: { now(): number }; secrets?: readonly string[] },
  record: Omit<AuditRecord, 'actor' | 'at' | 'conversationId'>,
): AuditRecord {
  const masked = maskSecrets(record.detail, deps.secrets ?? []);
  return {
    ...record,
    detail: masked.length > MAX_AUDIT_DETAIL ? `${masked.slice(0, MAX_AUDIT_DETAIL)}…` : masked,
    at: deps.clock.now(),
    actor: { id: turn.actor.id, name: turn.actor.name },
    conversationId: turn.conversation.id,
  };
}
