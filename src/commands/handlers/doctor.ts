import type { DoctorCheck } from '../../doctor/run-doctor';
import { defineCommand, type CommandDeps } from '../command-spec';
import { audit } from '../handler-kit';
import { messageReply } from '../message-reply';
import { fail } from '../parse-words';

/** What `doctor` needs beyond the usual ports: the checks against this bot's organization. */
export interface DoctorDeps {
  /** Runs `npm run doctor`'s checks with the bot's own configuration; absent = not wired. */
  doctor?: () => Promise<DoctorCheck[]>;
}

/**
 * `doctor` (admins): the same checks as `npm run doctor`, as a card: failures first, each with
 * its fix.
 * @example doctor
 */
export const doctorCommand = defineCommand<Record<string, never>>({
  name: 'doctor',
  aliases: [],
  usage: 'doctor',
  summary:
    'Admins: checks the Azure DevOps setup (pipelines, parameters, approvals, access, service hooks) and says how to fix what is wrong.',
  examples: ['doctor'],
  parse(words) {
    if (words.length === 0) return { ok: true, args: {} };
    return fail('`doctor` takes no arguments.', ['doctor']);
  },
  async run(_args, ctx, deps: CommandDeps & DoctorDeps) {
    const allowed = deps.authorizer.check(ctx.actor, { kind: 'admin' });
    if (!allowed.allowed) {
      await audit(deps, ctx, { action: 'doctor', detail: 'not an admin', outcome: 'refused' });
      return messageReply(
        'attention',
        'Not allowed',
        `Only admins can run the doctor${allowed.who.length ? ` (${allowed.who.join(', ')})` : ''}.`,
      );
    }
    if (!deps.doctor) {
      return messageReply(
        'warning',
        'The doctor is not available here',
        'Run `npm run doctor` where the bot runs, with the same environment.',
      );
    }
    const checks = await deps.doctor();
    const failed = checks.filter((c) => !c.ok);
    await audit(deps, ctx, {
      action: 'doctor',
      detail: failed.length ? `failed: ${failed.map((c) => c.check).join(', ')}` : 'all passed',
      outcome: 'ok',
    });
    const facts = [...failed, ...checks.filter((c) => c.ok)].map((c) => ({
      title: `${c.ok ? '✅' : '❌'} ${c.check}`,
      value: c.ok || !c.fix ? c.detail : `${c.detail}. Fix: ${c.fix}`,
    }));
    return messageReply(
      failed.length ? 'warning' : 'good',
      failed.length ? `${failed.length} of ${checks.length} checks failed` : 'All checks passed',
      failed.length
        ? 'Azure DevOps is not fully set up for the bot; each failed check says how to fix it.'
        : 'Azure DevOps is set up for everything the bot does.',
      { facts },
    );
  },
});
