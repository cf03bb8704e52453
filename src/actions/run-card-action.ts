import type { CommandContext, CommandDeps } from '../commands/command-spec';
import type { CardActionResult, CardActionSpec } from './card-actions';

/**
 * The one place a verified card click runs: the turn pipeline calls this, never `spec.run`, so
 * shared failures (Azure DevOps down, throttled) become an answer here once.
 */
export async function runCardAction<D>(
  spec: CardActionSpec<D>,
  data: D,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<CardActionResult> {
  return spec.run(data, ctx, deps);
}
