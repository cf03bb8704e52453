import { catalogIndex } from '../../catalog/catalog-index';
import { formatTimestamp, formatWhen } from '../../cards/format';
import type { EnvironmentSpec } from '../../catalog/catalog-schema';
import type { EnvironmentLock } from '../../locks/environment-lock';
import { listLocks } from '../../locks/list-locks';
import { lockEnvironment, unlockEnvironment } from '../../use-cases/lock-environment';
import {
  defineCommand,
  type CommandContext,
  type CommandDeps,
  type ParseResult,
} from '../command-spec';
import { refusalReply } from '../handler-kit';
import { messageReply } from '../message-reply';
import { fail, freeText, noArgs, parseDuration, parseEnvironment } from '../parse-words';

interface LockArgs {
  environment: string;
  reason: string;
  ttlMs?: number;
}

export const lockCommand = defineCommand<LockArgs>({
  name: 'lock',
  aliases: ['claim'],
  usage: 'lock <env> [reason] [for <30m|2h|1d>]',
  summary:
    'Locks an environment so only you can deploy there; others are told who holds it and why.',
  examples: ['lock prod release 3.2 freeze', 'lock qa testing model v4 for 2h'],
  parse(words, { catalog }): ParseResult<LockArgs> {
    const env = parseEnvironment(words[0], catalog);
    if (!env.ok) return env;
    let rest = words.slice(1);
    let ttlMs: number | undefined;
    if (rest.length >= 2 && rest[rest.length - 2]!.toLowerCase() === 'for') {
      const d = parseDuration(rest[rest.length - 1]);
      if (!d.ok) return d;
      ttlMs = d.args;
      rest = rest.slice(0, -2);
    }
    const reason = freeText(rest, 200);
    if (!reason.ok) return reason;
    return { ok: true, args: { environment: env.args.key, reason: reason.args, ttlMs } };
  },
  async run(args, ctx, deps) {
    const outcome = await lockEnvironment(args, ctx, deps);
    const env = outcome.environment;
    switch (outcome.code) {
      case 'refused:locked': {
        const { lock } = outcome;
        return {
          ...messageReply(
            'attention',
            `${env.displayName} is already locked`,
            `${lock.owner.name} holds the lock${lock.reason ? `: “${lock.reason}”` : ''} (locked since ${formatWhen(lock.createdAt, deps.clock.now())}).`,
          ),
          outcome: outcome.code,
        };
      }
      case 'already-yours':
        return messageReply(
          'default',
          `You already hold ${env.displayName}`,
          `Nothing changed; it stays locked${until(outcome.lock, env.key)}.`,
        );
      case 'locked': {
        const { lock } = outcome;
        const reason = lock.reason ? ` Reason: ${lock.reason}` : '';
        await deps.announce?.(
          { channel: true, except: ctx.conversation.id },
          messageReply(
            'default',
            `${env.displayName} locked by ${ctx.actor.name}`,
            `Only ${ctx.actor.name} can deploy to ${env.displayName} until ${lock.expiresAt ? formatTimestamp(lock.expiresAt) : 'they unlock it'}.${reason}`,
          ),
        );
        return messageReply(
          'good',
          `${env.displayName} is locked`,
          `Only you can deploy to ${env.displayName}${until(lock, env.key)}.${reason}`,
          { icon: '🔒' },
        );
      }
      default:
        return refusalReply(outcome.decision);
    }
  },
});

/** " until <time>" or " until you `unlock <env>`". */
function until(lock: EnvironmentLock, envKey: string): string {
  return lock.expiresAt
    ? ` until ${formatTimestamp(lock.expiresAt)}`
    : ' until you `unlock ' + envKey + '`';
}

export const unlockCommand = defineCommand<{ environment: string; force: boolean }>({
  name: 'unlock',
  aliases: ['release-lock'],
  usage: 'unlock <env> [--force]',
  summary: 'Releases your lock on an environment (admins can force someone else’s).',
  examples: ['unlock prod'],
  parse(words, { catalog }) {
    const env = parseEnvironment(words[0], catalog);
    if (!env.ok) return env;
    const extra = words.slice(1).map((w) => w.toLowerCase());
    if (extra.some((w) => w !== '--force' && w !== 'force'))
      return fail('`unlock` takes an environment and, for admins, `--force`.');
    return { ok: true, args: { environment: env.args.key, force: extra.length > 0 } };
  },
  async run(args, ctx, deps) {
    const outcome = await unlockEnvironment(args, ctx, deps);
    const env = outcome.environment;
    switch (outcome.code) {
      case 'refused:not-locked':
        return {
          ...messageReply('default', `${env.displayName} was not locked`, 'Nothing to unlock.'),
          outcome: outcome.code,
        };
      case 'refused:locked':
        return {
          ...messageReply(
            'attention',
            `${env.displayName} is locked by ${outcome.lock.owner.name}`,
            `Only they can unlock it (or an admin with \`unlock ${env.key} --force\`).`,
          ),
          outcome: outcome.code,
        };
      case 'unlocked':
        await announceUnlock(outcome.lock, outcome.forced, env, ctx, deps);
        return messageReply(
          'good',
          `${env.displayName} is unlocked`,
          `Anyone allowed can deploy to ${env.displayName} again.`,
          { icon: '🔓' },
        );
      default:
        return refusalReply(outcome.decision);
    }
  },
});

/** Tells the channel; after a force-unlock, also the holder, who learns it from us first. */
async function announceUnlock(
  lock: EnvironmentLock,
  forced: boolean,
  env: EnvironmentSpec,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<void> {
  const held = forced ? ` (it was ${lock.owner.name}’s lock)` : '';
  await deps.announce?.(
    { channel: true, except: ctx.conversation.id },
    messageReply(
      'default',
      `${env.displayName} unlocked by ${ctx.actor.name}`,
      `Anyone allowed can deploy to ${env.displayName} again${held}.`,
    ),
  );
  // The holder learns it from us, not from a deploy they did not expect to be possible.
  if (!forced) return;
  await deps.announce?.(
    { person: lock.owner, from: ctx.conversation.id, except: ctx.conversation.id },
    messageReply(
      'warning',
      `${ctx.actor.name} released your lock on ${env.displayName}`,
      `An admin force-unlocked ${env.displayName}${lock.reason ? ` (you locked it for “${lock.reason}”)` : ''}. Anyone allowed can deploy there again; \`lock ${env.key}\` to take it back if it is free.`,
    ),
  );
}

export const locksCommand = defineCommand<Record<string, never>>({
  name: 'locks',
  aliases: ['list locks'],
  usage: 'locks',
  summary: 'Lists the environments that are locked, by whom and why.',
  examples: ['locks'],
  parse: noArgs('locks', {}),
  async run(_args, _ctx, deps) {
    const locks = await listLocks(deps.store, deps.clock);
    const now = deps.clock.now();
    return {
      card: 'list',
      data: {
        title: '🔒 Environment locks',
        subtitle: '',
        columns: [
          { title: 'Environment', width: 2 },
          { title: 'Locked by', width: 2 },
          { title: 'Reason', width: 3 },
          { title: 'Since', width: 1 },
          { title: 'Expires', width: 2 },
        ],
        rows: locks.map((l) => ({
          cells: [
            catalogIndex(deps.catalog).environment(l.environment)?.displayName ?? l.environment,
            l.owner.name,
            l.reason || '—',
            formatWhen(l.createdAt, now),
            l.expiresAt ? formatTimestamp(l.expiresAt) : 'when unlocked',
          ],
        })),
        hasRows: locks.length > 0,
        emptyText: 'No environment is locked.',
        footer: 'Lock one with `lock <env> [reason]`.',
      },
    };
  },
});

export const wcidCommand = defineCommand<Record<string, never>>({
  name: 'wcid',
  aliases: ['where can i deploy', 'where can i deploy?'],
  usage: 'where can I deploy (wcid)',
  summary: 'Shows which environments you can deploy to right now, and why not for the others.',
  examples: ['where can I deploy', 'wcid'],
  parse: noArgs('wcid', {}),
  async run(_args, ctx, deps) {
    const locks = await listLocks(deps.store, deps.clock);
    const rows = deps.catalog.environments.map((env) => {
      const allowed = deps.authorizer.check(
        ctx.actor,
        { kind: 'deploy', environment: env.key },
        { channelId: ctx.conversation.channelId },
      );
      const lock = locks.find((l) => l.environment === env.key);
      const lockedByOther = lock && lock.owner.id !== ctx.actor.id;
      const verdict = !allowed.allowed
        ? '⛔ not allowed'
        : lockedByOther
          ? `🔒 locked by ${lock.owner.name}`
          : '✅ yes';
      const note = [
        lock?.reason,
        env.confirm ? 'asks to confirm' : '',
        env.approval ? 'needs approval' : '',
      ]
        .filter(Boolean)
        .join('; ');
      return { cells: [env.displayName, verdict, note || '—'] };
    });
    return {
      card: 'list',
      data: {
        title: 'Where can I deploy?',
        subtitle: `For ${ctx.actor.name}`,
        columns: [
          { title: 'Environment', width: 2 },
          { title: 'Can you deploy?', width: 3 },
          { title: 'Notes', width: 3 },
        ],
        rows,
        hasRows: rows.length > 0,
        emptyText: 'The catalog has no environments.',
        footer: '',
      },
    };
  },
});
