import type { CancelOutcome } from '../use-cases/cancel-run';
import type { CommandDeps } from './command-spec';
import { messageReply } from './message-reply';
import type { Reply } from './reply';
import { runRefusalReply } from './run-refusal-reply';
import { runStatusReply } from './run-status-reply';

/**
 * A cancel's outcome as the answer: the run's card once canceled, else why not. Used by the
 * `cancel` command and the card's Cancel button alike.
 * @example cancelReply(5, await cancelRun(5, ctx, deps), deps)
 */
export async function cancelReply(
  runId: number,
  outcome: CancelOutcome,
  deps: CommandDeps,
): Promise<Reply> {
  switch (outcome.code) {
    case 'canceled': {
      const card = await runStatusReply(runId, deps, outcome.run, {
        readStages: outcome.readStages,
      });
      return { ...card, outcome: card.outcome ?? 'ok' };
    }
    case 'refused:already-finished':
      return {
        ...messageReply(
          'default',
          `Run ${runId} already finished`,
          `It ${outcome.result ?? 'completed'}; there is nothing to cancel.`,
        ),
        outcome: outcome.code,
      };
    default:
      return runRefusalReply(runId, outcome);
  }
}
