import type { RunSummary } from '../devops/devops-port';
import type { CommandDeps } from './command-spec';
import { devopsFailureReply } from './handler-kit';
import { messageReply } from './message-reply';
import type { ParseResult } from './command-spec';
import { fail, parseRunId } from './parse-words';
import type { Reply } from './reply';
import { BUILD_NUMBER, runsByBuildNumber } from './resolve-build-number';
import { usageReply } from './usage-reply';

/** A run as a person names it: its id (`134`, `#134`) or its build number (`20261129.3`). */
export type RunRef = { runId: number } | { buildNumber: string };

/**
 * Pure: a run id or a build number, as `status` takes them.
 * @example parseRunRef('20261129.3') // { ok: true, args: { buildNumber: '20261129.3' } }
 */
export function parseRunRef(word: string | undefined): ParseResult<RunRef> {
  if (word !== undefined && BUILD_NUMBER.test(word)) {
    return { ok: true, args: { buildNumber: word } };
  }
  const id = parseRunId(word);
  return id.ok ? { ok: true, args: { runId: id.args } } : id;
}

/** `logs`, `cancel`, `retry`: one run, by id or build number. */
export const oneRunRef =
  (name: string) =>
  (words: readonly string[]): ParseResult<{ run: RunRef }> => {
    if (words.length > 1) return fail(`\`${name}\` takes one run id or build number.`);
    const ref = parseRunRef(words[0]);
    return ref.ok ? { ok: true, args: { run: ref.args } } : ref;
  };

/**
 * The run id a ref names (with the run itself when a build number was looked up, so the caller
 * need not read it again), or the answer when a build number names no recent run or runs of
 * several pipelines: then "Which run is 20261129.3?" with buttons carrying the full command
 * (`usage` its line, `rest` the words after the run, e.g. a comment).
 * @example const r = await resolveRunRef(args.run, deps, { command: 'cancel', usage }); if ('reply' in r) return r.reply;
 */
export async function resolveRunRef(
  ref: RunRef,
  deps: Pick<CommandDeps, 'devops'>,
  how: { command: string; usage: string; rest?: string },
): Promise<{ runId: number; run?: RunSummary } | { reply: Reply }> {
  if ('runId' in ref) return ref;
  try {
    const runs = await runsByBuildNumber(ref.buildNumber, deps);
    if (runs.length === 1) return { runId: runs[0]!.id, run: runs[0] };
    if (runs.length === 0) {
      return {
        reply: {
          ...messageReply(
            'warning',
            'No such run',
            `No recent run has build number ${ref.buildNumber}. Type \`runs\` to see the latest runs and their ids.`,
          ),
          outcome: 'refused:no-such-run',
        },
      };
    }
    return { reply: whichRunReply(ref.buildNumber, runs, how) };
  } catch (err) {
    return { reply: devopsFailureReply(err, `find run ${ref.buildNumber}`) };
  }
}

/**
 * Build numbers count per pipeline, so each pipeline's first run of a day is `<date>.1`. The
 * command was read; which run it means is not: a question, with one button per run.
 */
function whichRunReply(
  buildNumber: string,
  runs: RunSummary[],
  how: { command: string; usage: string; rest?: string },
): Reply {
  const rest = how.rest ? ` ${how.rest}` : '';
  return {
    ...usageReply({
      command: how.command,
      title: `Which run is ${buildNumber}?`,
      problem: `Build number ${buildNumber} names a run of ${runs.length} pipelines. Pick one:`,
      usage: how.usage,
      suggestions: runs.map((r) => `${how.command} ${r.id}${rest} (${r.pipelineName})`),
      commands: runs.map((r) => `${how.command} ${r.id}${rest}`),
    }),
    outcome: 'refused:which-one',
  };
}
