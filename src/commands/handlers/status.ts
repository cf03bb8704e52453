import { catalogIndex } from '../../catalog/catalog-index';
import type { Catalog } from '../../catalog/catalog-schema';
import { findEnvironment, findPipeline } from '../../catalog/find-in-catalog';
import { dashboardCardData } from '../../cards/dashboard-card-data';
import { liveDeploymentText } from '../../cards/format';
import type { RunSummary } from '../../devops/devops-port';
import { listLocks } from '../../locks/list-locks';
import { defineCommand, type CommandDeps, type ParseResult } from '../command-spec';
import { environmentOf } from '../handler-kit';
import { messageReply } from '../message-reply';
import { fail, isRunId, parsePipeline, parseRunId } from '../parse-words';
import type { Reply } from '../reply';
import { getRunRecord } from '../../use-cases/run-record';
import { runStatusReply } from '../run-status-reply';
import { BUILD_NUMBER } from '../resolve-build-number';
import { resolveRunRef } from '../resolve-run-ref';
import { withStageResults } from '../with-stage-results';

type StatusArgs =
  | { kind: 'dashboard' }
  | { kind: 'run'; runId: number }
  | { kind: 'build'; buildNumber: string }
  | { kind: 'pipeline'; pipelineKey: string };

function parseStatus(typed: readonly string[], catalog: Catalog): ParseResult<StatusArgs> {
  // "status of prod", "status for run 134": the little words people put in between.
  const words = typed.filter((w) => !FILLER.has(w.toLowerCase()));
  if (words.length === 0) return { ok: true, args: { kind: 'dashboard' } };
  if (words.length > 1)
    return fail('`status` takes one thing to look at: an environment, a pipeline or a run id.');
  const w = words[0]!;
  if (BUILD_NUMBER.test(w)) return { ok: true, args: { kind: 'build', buildNumber: w } };
  if (isRunId(w)) {
    const id = parseRunId(w);
    return id.ok ? { ok: true, args: { kind: 'run', runId: id.args } } : id;
  }
  const p = parsePipeline(w, catalog);
  return p.ok ? { ok: true, args: { kind: 'pipeline', pipelineKey: p.args.key } } : p;
}

export const statusCommand = defineCommand<StatusArgs>({
  name: 'status',
  aliases: ['dashboard', 'st'],
  usage: 'status [env | pipeline | run id | build number]',
  summary:
    'The dashboard: every pipeline’s latest run, pending approvals, locks and DEV’s age; or one environment, pipeline or run in detail.',
  examples: ['status', 'status prod', 'status train', 'status 1234', 'status 20261129.3'],
  parse: (words, { catalog }) => parseStatus(words, catalog),
  doing: (args, { catalog }) => {
    if (args.kind === 'run') return `read run ${args.runId}`;
    if (args.kind === 'build') return `find run ${args.buildNumber}`;
    if (args.kind === 'pipeline')
      return `read the runs of ${catalogIndex(catalog).pipeline(args.pipelineKey)?.name ?? args.pipelineKey}`;
    return 'read the pipelines’ status';
  },
  async run(args, _ctx, deps) {
    if (args.kind === 'run') return runStatusReply(args.runId, deps);
    if (args.kind === 'build') return statusOfBuild(args.buildNumber, deps);
    if (args.kind === 'pipeline') return latestRunOf(args.pipelineKey, deps);
    return dashboard(deps);
  },
});

const FILLER = new Set(['of', 'for', 'on', 'in', 'the', 'run', 'build', 'pipeline', 'env']);

/**
 * `status 20261129.3`: the run with that build number (the listed run is the build: only its
 * timeline is read), or the same "Which run is …?" answer as every command taking a run.
 */
async function statusOfBuild(buildNumber: string, deps: CommandDeps): Promise<Reply> {
  const resolved = await resolveRunRef({ buildNumber }, deps, {
    command: 'status',
    usage: statusCommand.usage,
  });
  if ('reply' in resolved) return resolved.reply;
  return runStatusReply(resolved.runId, deps, resolved.run);
}

async function latestRunOf(pipelineKey: string, deps: CommandDeps): Promise<Reply> {
  const pipeline = catalogIndex(deps.catalog).requirePipeline(pipelineKey);
  const env = environmentOf(deps, pipelineKey);
  // For an environment, enough runs to find what is live too, in the same one call.
  const runs = await deps.devops.listRuns({ pipelineKey, top: env ? 20 : 1 });
  const latest = runs[0];
  if (!latest)
    return messageReply(
      'default',
      pipeline.name,
      `${pipeline.name} has not run yet. Start it with \`run ${pipeline.key}\`.`,
    );
  // The listed run is the build: only its timeline is read for the card.
  const reply = await runStatusReply(latest.id, deps, latest);
  // `status prod` leads with what prod runs now, which the latest run may not be (rejected,
  // failed, still waiting).
  if (env && reply.card === 'run-status') {
    const live = runs.find((r) => r.state === 'completed' && r.result === 'succeeded');
    const [who] = live ? await withRequesters([live], deps) : [];
    reply.data.live = liveDeploymentText(who ?? null, deps.catalog.models?.parameter);
  }
  return reply;
}

async function dashboard(deps: CommandDeps): Promise<Reply> {
  const { catalog } = deps;
  const [listed, approvals, locks] = await Promise.all([
    // A few runs per pipeline: the newest, and the newest succeeded one (what is live).
    deps.devops.listRuns({ perPipeline: 5 }),
    deps.devops.pendingApprovals(),
    listLocks(deps.store, deps.clock),
  ]);
  const runs = await withRequesters(listed, deps);
  const latest = await withStageResults(
    catalog.pipelines.flatMap((p) => runs.find((r) => r.pipelineKey === p.key) ?? []),
    deps,
  );
  const liveOf = (pipelineKey: string) =>
    runs.find(
      (r) => r.pipelineKey === pipelineKey && r.state === 'completed' && r.result === 'succeeded',
    ) ?? null;
  const devEnv = catalog.environments.find((e) => e.ttlHours !== undefined);
  const devRun = devEnv
    ? runs.find((r) => r.pipelineKey === devEnv.pipeline && r.result === 'succeeded')
    : undefined;
  const cleanup = devEnv?.cleanupPipeline
    ? findPipeline(catalog, devEnv.cleanupPipeline)
    : undefined;
  return {
    card: 'dashboard',
    data: dashboardCardData({
      now: deps.clock.now(),
      title: `${catalog.project} pipelines`,
      pipelines: catalog.pipelines.map((p) => ({
        key: p.key,
        name: p.name,
        latest: latest.find((r) => r.pipelineKey === p.key) ?? null,
      })),
      environments: catalog.environments.map((e) => ({
        name: e.displayName,
        live: liveOf(e.pipeline),
      })),
      modelParameter: catalog.models?.parameter,
      pendingApprovals: approvals,
      locks: locks.map((l) => ({
        environment: findEnvironment(catalog, l.environment)?.displayName ?? l.environment,
        lockedBy: l.owner.name,
        reason: l.reason,
        since: l.createdAt,
      })),
      dev: devEnv
        ? {
            lastDeploy: devRun ?? null,
            ttlHours: devEnv.ttlHours!,
            cleanupPipelineName: cleanup?.name,
          }
        : undefined,
    }),
  };
}

/**
 * "Started by" is the person who asked in chat: Azure DevOps records the bot's identity for
 * runs the bot queued, and the bot's run record remembers who asked.
 */
async function withRequesters(runs: RunSummary[], deps: CommandDeps): Promise<RunSummary[]> {
  return Promise.all(
    runs.map(async (run) => {
      const record = await getRunRecord(deps.store, run.id).catch(() => undefined);
      return record ? { ...run, requestedBy: record.requestedBy.name } : run;
    }),
  );
}
