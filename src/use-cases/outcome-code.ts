/**
 * What a command or click came to, as a reason code: `ok`, `queued`, `refused:<why>` (e.g.
 * `refused:locked`, `refused:not-approver`), `failed:<why>` (Azure DevOps or the store failed).
 * Metrics and audit read it; nothing reads a card's colour to learn it.
 * @example 'refused:self-approval'
 */
export type OutcomeCode = 'ok' | 'queued' | 'usage' | `refused:${string}` | `failed:${string}`;

/** The outcome family metrics and the audit log count by (a bounded label set). */
export function outcomeFamily(
  code: OutcomeCode | undefined,
): 'ok' | 'usage' | 'refused' | 'failed' {
  if (!code || code === 'ok' || code === 'queued') return 'ok';
  if (code === 'usage') return 'usage';
  return code.startsWith('refused:') ? 'refused' : 'failed';
}
