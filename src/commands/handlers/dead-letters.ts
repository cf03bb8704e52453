import type { ListRow } from '../../cards/card-data';
import { formatTimestamp, runLabel } from '../../cards/format';
import type { PoisonItem } from '../../store/store';
import { maskSecrets } from '../../text/mask-secrets';
import { type AnyCommandSpec, type CommandContext, type CommandDeps } from '../command-spec';
import { refusalReply } from '../handler-kit';
import type { Reply } from '../reply';

/**
 * The queues whose given-up items admins read, with the words the table shows. The names are
 * `ADO_EVENTS_QUEUE` (src/notifications/ado-event.ts) and `outboxQueueOf(platform)`
 * (src/publisher/outbox.ts), spelled out: both folders import commands, so importing them back
 * would make a folder cycle (test/commands/handlers/dead-letters.test.ts pins them).
 */
export const DEAD_LETTER_QUEUES: readonly { queue: string; label: string }[] = [
  { queue: 'ado-events', label: 'Azure DevOps event' },
  { queue: 'outbox', label: 'Teams message' },
  { queue: 'outbox-slack', label: 'Slack message' },
];

/** The longest error a row shows; the store keeps up to 2000 characters. */
const MAX_ERROR_SHOWN = 200;

/** What `audit failed` parses to; `audit [n]` keeps its own arguments. */
export interface DeadLettersArgs {
  deadLetters: true;
}

const WORDS = new Set(['failed', 'dead-letters', 'dead-letter', 'deadletters', 'poison']);

/**
 * `audit` with a `failed` view added: `audit failed` (admins) lists what the bot gave up on —
 * service-hook events that failed 8 times and messages the chat refused for good — with when,
 * what, why and how many attempts, instead of anything being lost silently. `audit [n]` is
 * `audit` as before. A view of `audit` rather than a command of its own: admins look for what
 * went wrong where they look for who did what, and the Teams menus have no free slot.
 * @example withDeadLetters(auditCommand) // in createRegistry
 */
export function withDeadLetters(audit: AnyCommandSpec): AnyCommandSpec {
  return {
    ...audit,
    usage: `${audit.usage} | audit failed`,
    summary:
      'Who did what through the bot, when, the outcome and the run; `failed`: what it gave up on (admins).',
    examples: [...audit.examples, 'audit failed'],
    parse(words, ctx) {
      if (words.length === 1 && WORDS.has(words[0]!.toLowerCase())) {
        return { ok: true, args: { deadLetters: true } satisfies DeadLettersArgs };
      }
      return audit.parse(words, ctx);
    },
    run(args, ctx, deps) {
      return isDeadLetters(args) ? deadLetters(ctx, deps) : audit.run(args, ctx, deps);
    },
  };
}

function isDeadLetters(args: unknown): args is DeadLettersArgs {
  return (args as Partial<DeadLettersArgs> | null)?.deadLetters === true;
}

/** The dead letters of every queue, oldest first, as a list card. */
export async function deadLetters(ctx: CommandContext, deps: CommandDeps): Promise<Reply> {
  const decision = deps.authorizer.check(
    ctx.actor,
    { kind: 'admin' },
    { channelId: ctx.conversation.channelId },
  );
  if (!decision.allowed) return refusalReply(decision);
  const found = await Promise.all(
    DEAD_LETTER_QUEUES.map(async ({ queue, label }) =>
      (await deps.store.listPoison(queue)).map((item) => ({ item, label })),
    ),
  );
  const items = found.flat().sort((a, b) => a.item.failedAt - b.item.failedAt);
  const rows: ListRow[] = items.map(({ item, label }) => ({
    cells: [
      formatTimestamp(item.failedAt),
      `${label}: ${whatOf(item)}`,
      `${attemptsText(item.attempts)} · ${errorText(item.error, deps.secrets ?? [])}`,
    ],
  }));
  return {
    card: 'list',
    data: {
      title: '🪦 Given up on',
      subtitle: rows.length
        ? `${rows.length} item${rows.length === 1 ? '' : 's'} the bot stopped retrying, oldest first`
        : 'Nothing given up on',
      columns: [
        { title: 'When', width: 2 },
        { title: 'What', width: 3 },
        { title: 'Why', width: 5 },
      ],
      rows,
      hasRows: rows.length > 0,
      emptyText: 'Every event and message was delivered or is still being retried.',
      footer: rows.length
        ? 'Events failed 8 times; messages were refused by the chat. Fix the cause, then redo what is missing (e.g. `status`).'
        : '',
    },
    outcome: 'ok',
  };
}

/** The event type and run, or the message's chat, card and run; from the payload's shape. */
function whatOf(item: PoisonItem): string {
  const p = (item.payload ?? {}) as Record<string, unknown>;
  if (typeof p['eventType'] === 'string') {
    const resource = (p['resource'] ?? {}) as Record<string, unknown>;
    const run = (resource['run'] ?? {}) as Record<string, unknown>;
    const runId = typeof run['id'] === 'number' ? run['id'] : resource['runId'];
    return [p['eventType'], typeof runId === 'number' ? `run ${runLabel(runId)}` : '']
      .filter(Boolean)
      .join(', ');
  }
  if (typeof p['conversationId'] === 'string') {
    const tag = (p['tag'] ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const runId = tag['runCard']?.['runId'];
    const card =
      typeof runId === 'number'
        ? `run card ${runLabel(runId)}`
        : tag['approvalCard']
          ? `approval card ${String(tag['approvalCard']['approvalId'])}`
          : p['kind'] === 'update'
            ? 'card update'
            : 'message';
    return `${card} in ${p['conversationId']}`;
  }
  return item.id;
}

function attemptsText(attempts: number): string {
  return `${attempts} attempt${attempts === 1 ? '' : 's'}`;
}

/** Masked again with the configured secrets (the store masks only known token shapes), then clipped. */
function errorText(error: string, secrets: readonly string[]): string {
  const masked = maskSecrets(error.replace(/\s+/g, ' '), secrets);
  return masked.length > MAX_ERROR_SHOWN ? `${masked.slice(0, MAX_ERROR_SHOWN - 1)}…` : masked;
}
