import { auditEntry } from '../audit-entry';
import { outcomeOf } from '../outcome-of';
import type { TurnMiddleware } from '../turn';

/**
 * Who did what, for every command and click that ran (handlers add records for their effects).
 * The record joins the turn's others, which the delivery writes with its done mark.
 * @example composeTurnPipeline([…, metrics(m), audit({ clock, secrets }), router(routes)])
 */
export function audit(deps: {
  clock: { now(): number };
  secrets?: readonly string[];
}): TurnMiddleware {
  return async (turn, next) => {
    await next();
    const outcome = outcomeOf(turn.answer);
    if (!turn.command || outcome === 'usage') return;
    const answer = turn.answer;
    if (turn.kind === 'message') {
      turn.audit.push(
        auditEntry(turn, deps, {
          action: `command:${turn.command}`,
          detail: turn.text ?? '',
          outcome,
          runId: answer?.kind === 'reply' ? answer.reply.runId : undefined,
        }),
      );
      return;
    }
    const click = turn.click!;
    turn.audit.push(
      auditEntry(turn, deps, {
        action: `card:${click.spec.verb}`,
        detail:
          answer?.kind === 'refused'
            ? answer.message
            : JSON.stringify(click.spec.ids(click.data as never)),
        outcome,
        runId: (click.data as { runId?: number }).runId,
      }),
    );
  };
}
