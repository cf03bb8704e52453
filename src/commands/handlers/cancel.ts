import { cancelRun } from '../../use-cases/cancel-run';
import { cancelReply } from '../cancel-reply';
import { defineCommand, type CommandContext, type CommandDeps } from '../command-spec';
import type { Reply } from '../reply';
import { oneRunRef, type RunRef } from '../resolve-run-ref';
import { byRun, runWord } from './by-run';

export const cancelCommand = defineCommand<{ run: RunRef }>({
  name: 'cancel',
  aliases: ['stop', 'abort'],
  usage: 'cancel <run id>',
  summary: 'Cancels a queued or running run.',
  examples: ['cancel 1234'],
  parse: oneRunRef('cancel'),
  run: byRun('cancel', 'cancel <run id>', cancelAndAnswer),
  doing: (args) => `cancel ${runWord(args)}`,
});

/** Cancels a run and answers with its card. */
async function cancelAndAnswer(
  runId: number,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply> {
  return cancelReply(runId, await cancelRun(runId, ctx, deps), deps);
}
