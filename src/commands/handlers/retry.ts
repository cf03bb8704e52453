import { retryRun } from '../../use-cases/retry-run';
import { defineCommand, type CommandContext, type CommandDeps } from '../command-spec';
import type { Reply } from '../reply';
import { oneRunRef, type RunRef } from '../resolve-run-ref';
import { retryReply, startRetry } from '../retry-reply';
import { byRun, runWord } from './by-run';

export const retryCommand = defineCommand<{ run: RunRef }>({
  name: 'retry',
  aliases: ['rerun', 're-run'],
  usage: 'retry <run id>',
  summary: 'Runs a finished run again with the same parameters and branch.',
  examples: ['retry 1234'],
  parse: oneRunRef('retry'),
  run: byRun('retry', 'retry <run id>', retryAndAnswer),
  doing: (args) => `retry ${runWord(args)}`,
});

/** Retries a run and answers with the new run's card, or why it was not retried. */
async function retryAndAnswer(
  runId: number,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply> {
  return retryReply(runId, await retryRun(runId, ctx, deps, startRetry(runId, ctx, deps)));
}
