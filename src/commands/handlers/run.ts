import { catalogIndex } from '../../catalog/catalog-index';
import {
  defineCommand,
  type AnyCommandSpec,
  type CommandContext,
  type CommandDeps,
} from '../command-spec';
import { fail } from '../parse-words';
import { parseRun, parseRunOptions, type RunArgs } from '../parsers/parse-run';
import type { Reply } from '../reply';
import { checkRunAllowed, correlationIdFor, queueRun, type RunPlan } from '../run-plan';
import { deploy } from './deploy';

export const runCommand = defineCommand<RunArgs>({
  name: 'run',
  aliases: ['start', 'trigger', 'queue'],
  usage: 'run <pipeline> [on <branch>] [name=value ...]',
  summary: 'Starts any catalog pipeline with validated parameters.',
  examples: [
    'run train',
    'run extract-prepare on develop computeName=digitre-gpu',
    'run dev-cleanup maxAgeHours=12',
  ],
  parse: (words, { catalog }) => parseRun(words, catalog),
  run: (args, ctx, deps) => runPipeline(args, ctx, deps, `run ${args.pipelineKey}`),
});

/** Starts a pipeline; a deploy pipeline goes through the deploy flow (locks, model, confirmation). */
export async function runPipeline(
  args: RunArgs,
  ctx: CommandContext,
  deps: CommandDeps,
  command: string,
): Promise<Reply> {
  const index = catalogIndex(deps.catalog);
  const pipeline = index.requirePipeline(args.pipelineKey);
  if (pipeline.environment) {
    return deploy(
      {
        environment: pipeline.environment,
        branch: args.branch,
        dryRun: false,
        parameters: args.parameters,
        model: index.modelVersionOf(args.parameters),
      },
      ctx,
      deps,
      command,
    );
  }
  const plan: RunPlan = {
    pipelineKey: pipeline.key,
    parameters: args.parameters,
    branch: args.branch,
    modelDefaulted: false,
    correlationId: correlationIdFor(ctx, `run-${pipeline.key}`),
    command,
  };
  return (await checkRunAllowed(plan, ctx, deps)) ?? queueRun(plan, ctx, deps);
}

/**
 * A one-word shortcut for a pipeline (`train`, `extract-prepare`, `cleanup dev`).
 * `leadingWords` are words the shortcut expects after its name (`dev` in `cleanup dev`).
 */
export function pipelineShortcut(opts: {
  name: string;
  aliases: string[];
  pipelineKey: string;
  summary: string;
  examples: string[];
  optionalWords?: string[];
}): AnyCommandSpec {
  return defineCommand<RunArgs>({
    name: opts.name,
    aliases: opts.aliases,
    usage: `${opts.name}${opts.optionalWords ? ` [${opts.optionalWords.join('|')}]` : ''} [on <branch>] [name=value ...]`,
    summary: opts.summary,
    examples: opts.examples,
    parse(words, { catalog }) {
      const pipeline = catalogIndex(catalog).pipeline(opts.pipelineKey);
      if (!pipeline) return fail(`This catalog has no \`${opts.pipelineKey}\` pipeline.`);
      const rest = opts.optionalWords?.includes(words[0]?.toLowerCase() ?? '')
        ? words.slice(1)
        : words;
      return parseRunOptions(rest, pipeline);
    },
    run: (args, ctx, deps) => runPipeline(args, ctx, deps, `${opts.name}`),
  });
}
