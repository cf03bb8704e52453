import { runCardAction } from '../../actions/run-card-action';
import { maskSecrets } from '../../text/mask-secrets';
import type { CommandDeps, CommandRegistry } from '../../commands/command-spec';
import { parseCommand } from '../../commands/parse-command';
import { runCommand } from '../../commands/run-command';
import { usageReply } from '../../commands/usage-reply';
import type { Logger } from '../../logging/create-logger';
import type { TurnMiddleware } from '../turn';
import { contextOf } from '../turn';

/**
 * The pipeline's end: a message runs its command, a click its card action. Business logic
 * lives in src/commands and src/actions.
 * @example composeTurnPipeline([…, router({ registry, deps, logger })])
 */
export function router(opts: {
  registry: CommandRegistry;
  deps: CommandDeps;
  logger: Logger;
}): TurnMiddleware {
  const { registry, deps, logger } = opts;
  return async (turn) => {
    const ctx = contextOf(turn);
    if (turn.click) {
      const { spec, data } = turn.click;
      turn.command = spec.verb;
      const result = await runCardAction(spec, data as never, ctx, deps);
      turn.answer = result.ok
        ? { kind: 'card', result }
        : { kind: 'refused', status: result.status, message: result.message };
      return;
    }
    const text = turn.text ?? '';
    // A configured secret pasted into chat never reaches a parser: usage errors clip what they
    // echo, and a clipped secret no longer matches itself to be masked later.
    const parsed = parseCommand(maskSecrets(text, deps.secrets), registry, {
      catalog: deps.catalog,
    });
    if (!parsed.ok) {
      turn.command = parsed.error.command ?? 'unknown';
      turn.answer = { kind: 'reply', reply: { ...usageReply(parsed.error), outcome: 'usage' } };
      return;
    }
    turn.command = parsed.spec.name;
    logger.info(
      { activityId: ctx.activityId, command: parsed.spec.name, actor: ctx.actor.id },
      'command',
    );
    turn.answer = { kind: 'reply', reply: await runCommand(parsed.spec, parsed.args, ctx, deps) };
  };
}
