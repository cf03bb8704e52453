/** How long audit records are kept when `CHATOPS_AUDIT_DAYS` is not set. */
export const DEFAULT_AUDIT_DAYS = 90;

const DAY_MS = 24 * 3600_000;

/**
 * Epoch ms before which an audit record is past retention: every store hides such records at
 * once and deletes them when it purges (the audit log would otherwise grow with every command).
 * @example auditCutoff(Date.now(), 90) // 90 days ago
 */
export function auditCutoff(now: number, retentionDays: number): number {
  return now - retentionDays * DAY_MS;
}
