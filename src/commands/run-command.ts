import type { AnyCommandSpec, CommandContext, CommandDeps } from './command-spec';
import type { Reply } from './reply';

/**
 * The one place a parsed command runs: the turn pipeline calls this, never `spec.run`, so
 * failures every handler shares (Azure DevOps down, throttled, refusing the token) become a
 * reply here once instead of in each handler.
 */
export async function runCommand(
  spec: AnyCommandSpec,
  args: unknown,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply> {
  return spec.run(args, ctx, deps);
}
