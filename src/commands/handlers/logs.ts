import { runDisplayState, STATE_TEXT } from '../../cards/run-card-data';
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
  // failed task's log read (the card below reuses this build: 3 calls; 1 when it finished
  // without failing, 2 while it runs).
  const run = await deps.devops.getRun(runId);
  if (!run) {
    return {
      ...messageReply('attention', 'No such run', `Azure DevOps has no run ${runId}.`),
      outcome: 'refused:no-such-run',
    };
  }
  if (run.result !== 'failed') {
    // Azure DevOps says `inProgress` for a run parked at its approval too: its stages tell
    // (one timeline call, reusing the build). The words are the run card's own.
    const read =
      run.state === 'inProgress'
        ? ((await deps.devops.getRun(runId, { withStages: true, known: run })) ?? run)
        : run;
    const state = STATE_TEXT[runDisplayState(read)];
    return messageReply(
      'default',
      `Run ${runId} has no failed task`,
      run.state === 'completed'
        ? `It finished: ${state}. Full logs are in Azure DevOps.`
        : `It is ${state.toLowerCase()}; nothing has failed so far.`,
      { link: { title: 'Open the run', url: run.url } },
    );
  }
  return runStatusReply(runId, deps, run);
}
