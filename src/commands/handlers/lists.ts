import { findEnvironment } from '../../catalog/find-in-catalog';
import { formatTimestamp, formatWhen, runLabel, shortBranch } from '../../cards/format';
import type { ListCardData } from '../../cards/card-data';
import { runDisplayState, STATE_TEXT } from '../../cards/run-card-data';
import type { RunSummary } from '../../devops/devops-port';
import { defineCommand, type ParseResult } from '../command-spec';
import { environmentOf } from '../handler-kit';
import { fail, noArgs, parsePipeline } from '../parse-words';
import type { Reply } from '../reply';
import { withStageResults } from '../with-stage-results';
import type { Catalog } from '../../catalog/catalog-schema';

function listReply(data: Omit<ListCardData, 'hasRows'>): Reply {
  return { card: 'list', data: { ...data, hasRows: data.rows.length > 0 } };
}

function runState(r: RunSummary): string {
  return STATE_TEXT[runDisplayState(r)];
}

interface RunsArgs {
  pipelineKey?: string;
  count: number;
}

function parseRuns(words: readonly string[], catalog: Catalog): ParseResult<RunsArgs> {
  let pipelineKey: string | undefined;
  let count = 10;
  let countGiven = false;
  for (const w of words) {
    if (/^\d+$/.test(w)) {
      if (countGiven) return fail('`runs` takes one count.');
      countGiven = true;
      count = Number(w);
      if (count < 1 || count > 50) return fail('Show between 1 and 50 runs.');
    } else if (pipelineKey === undefined) {
      const p = parsePipeline(w, catalog);
      if (!p.ok) return p;
      pipelineKey = p.args.key;
    } else return fail('`runs` takes at most one pipeline and a count.');
  }
  return { ok: true, args: { pipelineKey, count } };
}

export const runsCommand = defineCommand<RunsArgs>({
  name: 'runs',
  doing: () => 'list the runs',
  aliases: ['history', 'recent'],
  usage: 'runs [pipeline] [n]',
  summary: 'Lists recent runs (all pipelines, or one), newest first.',
  examples: ['runs', 'runs prod 5', 'runs train'],
  parse: (words, { catalog }) => parseRuns(words, catalog),
  async run(args, _ctx, deps) {
    const pipeline = args.pipelineKey
      ? deps.catalog.pipelines.find((p) => p.key === args.pipelineKey)
      : undefined;
    const runs = await withStageResults(
      await deps.devops.listRuns({ pipelineKey: args.pipelineKey, top: args.count }),
      deps,
    );
    const now = deps.clock.now();
    return listReply({
      title: pipeline ? `Recent runs of ${pipeline.name}` : 'Recent runs',
      subtitle: '',
      // Three columns, two of them fixed: at phone width (about 330 px) a fourth or fifth
      // column leaves each too narrow for its header ("Pipelin e").
      columns: [
        { title: 'Run', width: '88px' },
        { title: pipeline ? 'Branch' : 'Pipeline · branch', width: 1 },
        { title: 'State', width: '104px' },
      ],
      rows: runs.map((r) => ({
        cells: [
          runLabel(r.id, r.name),
          pipeline ? shortBranch(r.branch) : `${r.pipelineName} · ${shortBranch(r.branch)}`,
          // An absolute time: a list stays on screen, and "just now" would go stale.
          `${runState(r)} · ${formatWhen(r.createdDate, now)}`,
        ],
      })),
      emptyText: 'No runs yet.',
      footer: 'Details: `status <run id>`.',
    });
  },
});

export const approvalsCommand = defineCommand<Record<string, never>>({
  name: 'approvals',
  doing: () => 'read the pending approvals',
  aliases: ['pending'],
  usage: 'approvals',
  summary: 'Lists every deployment waiting for approval.',
  examples: ['approvals'],
  parse: noArgs('approvals', {}),
  async run(_args, _ctx, deps) {
    const pending = await deps.devops.pendingApprovals();
    const now = deps.clock.now();
    return listReply({
      title: '⏳ Waiting for approval',
      subtitle: '',
      columns: [
        { title: 'Run', width: '72px' },
        { title: 'Pipeline', width: 3 },
        { title: 'Environment', width: 2 },
        { title: 'Since', width: '72px' },
      ],
      rows: pending.map((a) => ({
        cells: [
          runLabel(a.runId),
          a.pipelineName,
          (a.environment
            ? findEnvironment(deps.catalog, a.environment)
            : environmentOf(deps, a.pipelineKey)
          )?.displayName ?? '—',
          formatWhen(a.createdOn, now),
        ],
      })),
      emptyText: 'Nothing is waiting for approval.',
      footer: 'Decide with `approve <env | run id> [comment]` or `reject <env | run id> [reason]`.',
    });
  },
});

export const pipelinesCommand = defineCommand<Record<string, never>>({
  name: 'pipelines',
  aliases: ['catalog'],
  usage: 'pipelines',
  summary: 'Lists the pipelines I can drive: what each does, its triggers and approvals.',
  examples: ['pipelines'],
  parse: noArgs('pipelines', {}),
  async run(_args, _ctx, deps) {
    return listReply({
      title: `${deps.catalog.project} pipelines`,
      subtitle: 'Use the key in commands, e.g. `run train` or `deploy custom-qa`.',
      columns: [
        { title: 'Key', width: '80px' },
        { title: 'Pipeline, what it does, triggers', width: 1 },
        { title: 'Approvals', width: '96px' },
      ],
      rows: deps.catalog.pipelines.map((p) => {
        const env = p.environment ? findEnvironment(deps.catalog, p.environment) : undefined;
        const approvals = env?.approval ? `Required (${env.displayName})` : 'None';
        const what = `${p.name}: ${p.description} Triggers: ${p.triggers.join('; ')}.`;
        return { cells: [p.key, what, approvals] };
      }),
      emptyText: 'The catalog has no pipelines.',
      footer: '',
    });
  },
});

export const modelsCommand = defineCommand<Record<string, never>>({
  name: 'models',
  doing: () => 'read the model versions',
  aliases: ['model', 'versions'],
  usage: 'models',
  summary: 'Lists the registered model versions, newest first.',
  examples: ['models'],
  parse: noArgs('models', {}),
  async run(_args, _ctx, deps) {
    const versions = await deps.devops.modelVersions();
    return listReply({
      title: 'Registered model versions',
      subtitle: deps.catalog.models
        ? `From ${deps.catalog.pipelines.find((p) => p.key === deps.catalog.models!.pipeline)?.name}`
        : '',
      columns: [
        { title: 'Version', width: '72px' },
        { title: 'Registered by run', width: 2 },
        { title: 'When', width: 3 },
      ],
      rows: versions
        .slice(0, 20)
        .map((v) => ({ cells: [`v${v.version}`, `${v.runId}`, formatTimestamp(v.createdDate)] })),
      emptyText: 'No model is registered yet. Run `train`.',
      footer: 'Deploy one with `deploy <env> model vN`.',
    });
  },
});
