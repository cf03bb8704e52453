import type { CommandContext, CommandDeps } from '../command-spec';
import type { Reply } from '../reply';
import { resolveRunRef, type RunRef } from '../resolve-run-ref';

/**
 * A command's `run` for commands about one run: resolves a build number to the run id, then
 * answers about that run.
 * @example run: byRun('logs', 'logs <run id>', logsOf)
 */
export function byRun(
  command: string,
  usage: string,
  answer: (runId: number, ctx: CommandContext, deps: CommandDeps) => Promise<Reply>,
) {
  return async ({ run }: { run: RunRef }, ctx: CommandContext, deps: CommandDeps) => {
    const resolved = await resolveRunRef(run, deps, { command, usage });
    return 'reply' in resolved ? resolved.reply : answer(resolved.runId, ctx, deps);
  };
}

/** The run a command names, as the failure answer says it ("I could not cancel run 5"). */
export function runWord({ run }: { run: RunRef }): string {
  return 'runId' in run ? `run ${run.runId}` : `run ${run.buildNumber}`;
}
