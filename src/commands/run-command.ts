import type { AnyCommandSpec, CommandContext, CommandDeps } from './command-spec';
import { devopsFailureReply } from './handler-kit';
import type { OutcomeCode, Reply } from './reply';

/**
 * The one place a parsed command runs: the turn pipeline calls this, never `spec.run`, so
 * failures every handler shares (Azure DevOps down, throttled, refusing the token) become a
 * reply here once instead of in each handler. Anything but a DevOpsError is rethrown (a bug, or
 * a sign-in the transport answers). Every reply leaves with an outcome code.
 *
 * @example const reply = await runCommand(spec, parsed.args, ctx, deps); reply.outcome // 'queued'
 */
export async function runCommand(
  spec: AnyCommandSpec,
  args: unknown,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply> {
  try {
    return withOutcome(await spec.run(args, ctx, deps));
  } catch (err) {
    return devopsFailureReply(err, spec.doing?.(args, deps) ?? `run \`${spec.name}\``);
  }
}

/** A reply's own outcome, or `ok` when its handler had nothing more specific to say. */
export function withOutcome(reply: Reply, fallback: OutcomeCode = 'ok'): Reply {
  return reply.outcome ? reply : { ...reply, outcome: reply.queued ? 'queued' : fallback };
}
