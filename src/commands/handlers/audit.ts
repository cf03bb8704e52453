import { formatTimestamp, runLabel } from '../../cards/format';
import { defineCommand } from '../command-spec';
import { refusalReply } from '../handler-kit';
import { fail } from '../parse-words';

/** `audit [n]` (admins): the latest entries of the audit log. */
export const auditCommand = defineCommand<{ count: number }>({
  name: 'audit',
  aliases: ['audit-log'],
  usage: 'audit [n]',
  summary:
    'Shows the latest audit entries: who did what through the bot, when, the outcome and the run (admins only).',
  examples: ['audit', 'audit 50'],
  parse(words) {
    if (words.length === 0) return { ok: true, args: { count: 20 } };
    const n = /^\d{1,3}$/.test(words[0]!) ? Number(words[0]) : NaN;
    if (words.length > 1 || !(n >= 1 && n <= 100))
      return fail('`audit` takes a count between 1 and 100.');
    return { ok: true, args: { count: n } };
  },
  async run({ count }, ctx, deps) {
    const decision = deps.authorizer.check(
      ctx.actor,
      { kind: 'admin' },
      { channelId: ctx.conversation.channelId },
    );
    if (!decision.allowed) return refusalReply(decision);
    const entries = await deps.store.queryAudit({ limit: count });
    const rows = entries.map((e) => ({
      cells: [
        formatTimestamp(e.at),
        e.actor.name,
        auditWhat(e.action, e.detail),
        [OUTCOME_TEXT[e.outcome] ?? e.outcome, e.runId ? `run ${runLabel(e.runId)}` : '']
          .filter(Boolean)
          .join(' · '),
      ],
    }));
    return {
      card: 'list',
      data: {
        title: '📜 Audit log',
        subtitle: `Latest ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, newest first`,
        columns: [
          { title: 'When', width: 2 },
          { title: 'Who', width: 2 },
          { title: 'What', width: 4 },
          { title: 'Outcome', width: '88px' },
        ],
        rows,
        hasRows: rows.length > 0,
        emptyText: 'Nothing recorded yet.',
        footer: '',
      },
    };
  },
});

const OUTCOME_TEXT: Record<string, string> = { ok: 'OK', refused: 'Refused', failed: 'Failed' };

/**
 * What someone did, in words: a command is what they typed (`deploy qa v3`); a button is
 * `approve (button): approval ab12, run #134`. The store keeps the machine-readable action
 * (`command:deploy`, `card:approve`) and detail; the table is for people, and one column of
 * words fits a chat where a sixth column split them mid-word.
 */
export function auditWhat(action: string, detail: string): string {
  const readable = auditDetail(detail);
  if (action.startsWith('command:')) return readable || action.slice('command:'.length);
  const what = action.startsWith('card:') ? `${action.slice('card:'.length)} (button)` : action;
  return readable ? `${what}: ${readable}` : what;
}

const DETAIL_NAMES: Record<string, string> = {
  runId: 'run',
  approvalId: 'approval',
  confirmationId: 'confirmation',
  environment: 'environment',
};

/**
 * Card clicks are recorded with their ids as JSON (`{"runId":134}`); the table shows them as
 * words ("run #134"). Any other detail is shown as it was recorded.
 */
function auditDetail(detail: string): string {
  if (!detail.startsWith('{')) return detail;
  try {
    const parsed: unknown = JSON.parse(detail);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return detail;
    return Object.entries(parsed as Record<string, unknown>)
      .map(([k, v]) => {
        const name = DETAIL_NAMES[k] ?? k;
        return k === 'runId' && typeof v === 'number'
          ? `run ${runLabel(v)}`
          : `${name} ${String(v)}`;
      })
      .join(', ');
  } catch {
    return detail;
  }
}
