import { defineCommand, type CommandContext, type CommandDeps } from '../command-spec';
import { messageReply } from '../message-reply';
import type { Reply } from '../reply';
import { oneRunRef, type RunRef } from '../resolve-run-ref';
import { runStatusReply } from '../run-status-reply';
import { byRun, runWord } from './by-run';

export const logsCommand = defineCommand<{ run: RunRef }>({
  name: 'logs',
  aliases: ['log', 'why'],
  usage: 'logs <run id>',
  summary: 'Shows the failing task’s last log lines of a run.',
  examples: ['logs 1234'],
  parse: oneRunRef('logs'),
  run: byRun('logs', 'logs <run id>', logsOf),
  doing: (args) => `read the logs of ${runWord(args)}`,
});

async function logsOf(runId: number, _ctx: CommandContext, deps: CommandDeps): Promise<Reply> {
  // The build alone says whether anything failed; only then are the timeline and the
  // failed task's log read (the card below reuses this build: 3 calls, 1 when nothing failed).
  const run = await deps.devops.getRun(runId);
  if (!run) {
    return {
      ...messageReply('attention', 'No such run', `Azure DevOps has no run ${runId}.`),
      outcome: 'refused:no-such-run',
    };
  }
  if (run.result !== 'failed') {
    return messageReply(
      'default',
      `Run ${runId} has no failed task`,
      run.state === 'completed'
        ? `It ${run.result ?? 'completed'}. Full logs are in Azure DevOps.`
        : `It is ${run.state}; nothing has failed so far.`,
      { link: { title: 'Open the run', url: run.url } },
    );
  }
  return runStatusReply(runId, deps, run);
}
