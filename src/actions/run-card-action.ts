import type { CommandContext, CommandDeps } from '../commands/command-spec';
import { devopsFailureReply } from '../commands/handler-kit';
import { withOutcome } from '../commands/run-command';
import type { CardActionResult, CardActionSpec } from './card-actions';

/**
 * The one place a verified card click runs: the turn pipeline calls this, never `spec.run`, so
 * shared failures (Azure DevOps down, throttled) become an answer here once: to the person who
 * clicked only, the card itself stays as it was for everyone else.
 *
 * @example const result = await runCardAction(spec, data, ctx, deps); // { ok: true, card, … }
 */
export async function runCardAction<D>(
  spec: CardActionSpec<D>,
  data: D,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<CardActionResult> {
  try {
    const result = await spec.run(data, ctx, deps);
    if (!result.ok) return result;
    return {
      ...result,
      card: withOutcome(result.card),
      followUp: result.followUp && withOutcome(result.followUp),
    };
  } catch (err) {
    const card = devopsFailureReply(err, spec.doing?.(data) ?? 'do that');
    return { ok: true, card, updateForEveryone: false };
  }
}
