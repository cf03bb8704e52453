import { formatTimestamp } from '../../cards/format';
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
        e.action,
        e.outcome,
        e.runId ? `${e.runId}` : '—',
        e.detail,
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
          { title: 'What', width: 2 },
          { title: 'Outcome', width: 1 },
          { title: 'Run', width: 1 },
          { title: 'Detail', width: 4 },
        ],
        rows,
        hasRows: rows.length > 0,
        emptyText: 'Nothing recorded yet.',
        footer: '',
      },
    };
  },
});
