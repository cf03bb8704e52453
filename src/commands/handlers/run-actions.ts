import type { PipelineSpec } from '../../catalog/catalog-schema';
import { runLabel } from '../../cards/format';
import { findEnvironment } from '../../catalog/find-in-catalog';
import { DevOpsError, type RunSummary } from '../../devops/devops-port';
import { defineCommand, type CommandContext, type CommandDeps } from '../command-spec';
import { audit, devopsFailureReply, refusalReply } from '../handler-kit';
import { messageReply } from '../message-reply';
import { fail, parseEnvironment, parseParameters } from '../parse-words';
import type { Reply } from '../reply';
import { rememberCanceledBy } from '../../notifications/run-decision';
import { oneRunRef, resolveRunRef, type RunRef } from '../resolve-run-ref';
import { getRunRecord, saveRunRecord } from '../run-record';
import { runStatusReply } from '../run-status-reply';
import { deploy } from './deploy';
import { runPipeline } from './run';

/** Resolves a build number to the run id, then answers about that run. */
function byRun(
  command: string,
  usage: string,
  answer: (runId: number, ctx: CommandContext, deps: CommandDeps) => Promise<Reply>,
) {
  return async ({ run }: { run: RunRef }, ctx: CommandContext, deps: CommandDeps) => {
    const resolved = await resolveRunRef(run, deps, { command, usage });
    return 'reply' in resolved ? resolved.reply : answer(resolved.runId, ctx, deps);
  };
}

export const logsCommand = defineCommand<{ run: RunRef }>({
  name: 'logs',
  aliases: ['log', 'why'],
  usage: 'logs <run id>',
  summary: 'Shows the failing task’s last log lines of a run.',
  examples: ['logs 1234'],
  parse: oneRunRef('logs'),
  run: byRun('logs', 'logs <run id>', logsOf),
});

async function logsOf(runId: number, _ctx: CommandContext, deps: CommandDeps): Promise<Reply> {
  try {
    // The build alone says whether anything failed; only then are the timeline and the
    // failed task's log read (the card below reuses this build: 3 calls, 1 when nothing failed).
    const run = await deps.devops.getRun(runId);
    if (!run) return messageReply('attention', 'No such run', `Azure DevOps has no run ${runId}.`);
    if (run.result !== 'failed') {
      return messageReply(
        'default',
        `Run ${runId} has no failed task`,
        run.state === 'completed'
          ? `It ${run.result ?? 'completed'}. Full logs are in Azure DevOps.`
          : `It is ${run.state}; nothing has failed so far.`,
        {
          link: { title: 'Open the run', url: run.url },
        },
      );
    }
    return runStatusReply(runId, deps, run);
  } catch (err) {
    return devopsFailureReply(err, `read the logs of run ${runId}`);
  }
}

/** May this person act on a run (cancel/retry): the same right as starting it. */
async function mayActOn(
  runId: number,
  ctx: CommandContext,
  deps: CommandDeps,
  action: string,
): Promise<{ reply: Reply } | { run: RunSummary; pipeline: PipelineSpec }> {
  const run = await deps.devops.getRun(runId);
  if (!run)
    return {
      reply: messageReply(
        'attention',
        'No such run',
        `Azure DevOps has no run ${runId}. See \`runs\`.`,
      ),
    };
  const pipeline = deps.catalog.pipelines.find((p) => p.key === run.pipelineKey);
  if (!pipeline)
    return {
      reply: messageReply(
        'attention',
        'Not one of mine',
        `Run ${runId} belongs to ${run.pipelineName}, which is not in the catalog.`,
      ),
    };
  const refused = await refusal(runId, pipeline, ctx, deps, action);
  return refused ? { reply: refused } : { run, pipeline };
}

/** The refusal reply (audited) when this person may not act on runs of `pipeline`. */
async function refusal(
  runId: number,
  pipeline: PipelineSpec,
  ctx: CommandContext,
  deps: CommandDeps,
  action: string,
): Promise<Reply | undefined> {
  const decision = pipeline.environment
    ? deps.authorizer.check(
        ctx.actor,
        { kind: 'deploy', environment: pipeline.environment },
        { channelId: ctx.conversation.channelId },
      )
    : deps.authorizer.check(
        ctx.actor,
        { kind: 'run', pipeline: pipeline.key },
        { channelId: ctx.conversation.channelId },
      );
  if (decision.allowed) return undefined;
  await audit(deps, ctx, {
    action: `${action} ${runId}`,
    detail: decision.reason,
    outcome: 'refused',
    runId,
  });
  return refusalReply(decision);
}

const alreadyFinished = (runId: number, result: string | undefined) =>
  messageReply(
    'default',
    `Run ${runId} already finished`,
    `It ${result ?? 'completed'}; there is nothing to cancel.`,
  );

/**
 * Cancel a run: from the command and the card's Cancel button. A run the bot queued is known
 * from its run record (its pipeline decides who may cancel), so the cancel itself comes first
 * and the card is its answer plus the timeline: 2 calls. Any other run is read first for the
 * permission check; the card is then the cancel's answer as it is (2 calls, no stage rows).
 */
export async function cancelRun(
  runId: number,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply> {
  try {
    const record = await getRunRecord(deps.store, runId);
    const recorded = deps.catalog.pipelines.find((p) => p.key === record?.pipelineKey);
    let pipeline: PipelineSpec;
    if (recorded) {
      const refused = await refusal(runId, recorded, ctx, deps, 'cancel');
      if (refused) return refused;
      pipeline = recorded;
    } else {
      const checked = await mayActOn(runId, ctx, deps, 'cancel');
      if ('reply' in checked) return checked.reply;
      if (checked.run.state === 'completed') return alreadyFinished(runId, checked.run.result);
      pipeline = checked.pipeline;
    }
    let run: RunSummary;
    try {
      run = await deps.devops.cancelRun(runId);
    } catch (err) {
      // Without a read first, a finished run may be refused here rather than returned as is.
      if (!(recorded && err instanceof DevOpsError && err.code === 'conflict')) throw err;
      const now = await deps.devops.getRun(runId);
      if (now?.state !== 'completed') throw err;
      return alreadyFinished(runId, now.result);
    }
    if (run.state === 'completed') return alreadyFinished(runId, run.result);
    await rememberCanceledBy(deps.store, runId, ctx.actor.name);
    await audit(deps, ctx, {
      action: 'cancel',
      detail: `run ${runId} of ${pipeline.name}`,
      outcome: 'ok',
      runId,
    });
    return runStatusReply(runId, deps, run, { readStages: Boolean(recorded) });
  } catch (err) {
    return devopsFailureReply(err, `cancel run ${runId}`);
  }
}

/** Retry a run with the same parameters: from the command and the card's Retry button. */
export async function retryRun(
  runId: number,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply> {
  try {
    const checked = await mayActOn(runId, ctx, deps, 'retry');
    if ('reply' in checked) return checked.reply;
    if (checked.run.state !== 'completed') {
      return messageReply(
        'default',
        `Run ${runId} is still going`,
        'Retry it once it has finished, or `cancel` it first.',
      );
    }
    const done = await retriedAs(runId, deps);
    if (done) return done;
    // One retry per run, whoever asks and however often (clicks, a typed `retry`, replicas).
    const key = `retry:${runId}`;
    const claim = await deps.store.put<RetryDoc>(
      RETRIES,
      key,
      { at: deps.clock.now() },
      {
        etag: null,
        ttlMs: RETRY_TTL_MS,
      },
    );
    if (!claim.ok) {
      return (
        (await retriedAs(runId, deps)) ??
        messageReply(
          'default',
          `Run ${runId} is being retried`,
          'Someone just asked for it; its card follows.',
        )
      );
    }
    let reply: Reply;
    try {
      reply = await queueRetry(runId, checked.run, checked.pipeline, ctx, deps);
    } catch (err) {
      await deps.store.delete(RETRIES, key);
      throw err;
    }
    if (reply.runId === undefined || reply.runId === runId) {
      // Refused, or a question (prod's confirmation): nothing queued yet, so the next ask may.
      await deps.store.delete(RETRIES, key);
      return reply;
    }
    await deps.store.put<RetryDoc>(
      RETRIES,
      key,
      { at: deps.clock.now(), retryRunId: reply.runId },
      { ttlMs: RETRY_TTL_MS },
    );
    const record = await getRunRecord(deps.store, reply.runId);
    if (record) await saveRunRecord(deps.store, { ...record, retryOf: runId });
    if (reply.card === 'run-status') {
      const data = reply.data as { requestedBy: string };
      reply = {
        ...reply,
        data: { ...data, requestedBy: `${data.requestedBy} · retry of #${runId}` },
      } as Reply;
    }
    return reply;
  } catch (err) {
    return devopsFailureReply(err, `retry run ${runId}`);
  }
}

const RETRIES = 'retries';
/** As long as run records: a run is retried once in its lifetime through the bot. */
const RETRY_TTL_MS = 90 * 24 * 3600_000;

interface RetryDoc {
  at: number;
  retryRunId?: number;
}

/** "Already retried as #N", when it was. */
async function retriedAs(runId: number, deps: CommandDeps): Promise<Reply | undefined> {
  const doc = await deps.store.get<RetryDoc>(RETRIES, `retry:${runId}`);
  const retryRunId = doc?.value.retryRunId;
  if (retryRunId === undefined) return undefined;
  return messageReply(
    'default',
    `Run ${runId} was already retried as #${retryRunId}`,
    `See \`status ${retryRunId}\`; to run it yet again, \`retry ${retryRunId}\` once it has finished.`,
  );
}

/**
 * Queues the retry with the run's parameters and branch, checked against the catalog like
 * typed ones (a value the catalog refuses is not forwarded because Azure DevOps once took it).
 */
async function queueRetry(
  runId: number,
  run: RunSummary,
  pipeline: PipelineSpec,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply> {
  const record = await getRunRecord(deps.store, runId);
  const asRun = record?.parameters ?? run.parameters;
  // Only what the catalog lets chat set; the pipeline's own defaults fill the rest.
  const checked = parseParameters(
    Object.entries(asRun)
      .filter(([name]) => pipeline.parameters.some((p) => p.name === name))
      .map(([name, value]) => `${name}=${value}`),
    pipeline,
  );
  if (!checked.ok) {
    return messageReply(
      'attention',
      `Run ${runId} cannot be retried as it was`,
      `${checked.error.problem} Start it again with values the catalog allows.`,
    );
  }
  const parameters = checked.args;
  const branch = record?.branch ?? run.branch.replace(/^refs\/heads\//, '');
  // Its own correlation id, the same for every ask of this retry.
  const retryCtx = { ...ctx, activityId: `retry-of-${runId}` };
  return runPipeline(
    { pipelineKey: pipeline.key, branch, parameters },
    retryCtx,
    deps,
    `retry ${runId}`,
  );
}

export const cancelCommand = defineCommand<{ run: RunRef }>({
  name: 'cancel',
  aliases: ['stop', 'abort'],
  usage: 'cancel <run id>',
  summary: 'Cancels a queued or running run.',
  examples: ['cancel 1234'],
  parse: oneRunRef('cancel'),
  run: byRun('cancel', 'cancel <run id>', cancelRun),
});

export const retryCommand = defineCommand<{ run: RunRef }>({
  name: 'retry',
  aliases: ['rerun', 're-run'],
  usage: 'retry <run id>',
  summary: 'Runs a finished run again with the same parameters and branch.',
  examples: ['retry 1234'],
  parse: oneRunRef('retry'),
  run: byRun('retry', 'retry <run id>', retryRun),
});

export const rollbackCommand = defineCommand<{ environment: string }>({
  name: 'rollback',
  aliases: ['roll-back', 'revert'],
  usage: 'rollback <env>',
  summary: 'Redeploys the previous successful model version to an environment, after you confirm.',
  examples: ['rollback prod'],
  parse(words, { catalog }) {
    if (words.length > 1) return fail('`rollback` takes one environment.');
    const env = parseEnvironment(words[0], catalog);
    return env.ok ? { ok: true, args: { environment: env.args.key } } : env;
  },
  async run({ environment }, ctx, deps) {
    const env = findEnvironment(deps.catalog, environment)!;
    const modelParam = deps.catalog.models?.parameter ?? 'modelVersion';
    try {
      const runs = await deps.devops.listRuns({ pipelineKey: env.pipeline, top: 50 });
      const good = runs.filter(
        (r) => r.state === 'completed' && r.result === 'succeeded' && r.parameters[modelParam],
      );
      const current = good[0]?.parameters[modelParam];
      const previous = good.find((r) => r.parameters[modelParam] !== current);
      if (!current || !previous) {
        return messageReply(
          'default',
          `Nothing to roll back to in ${env.displayName}`,
          current
            ? `Every recent successful deploy used model v${current}.`
            : `${env.displayName} has no successful deploy yet.`,
        );
      }
      const model = previous.parameters[modelParam]!;
      return deploy(
        { environment: env.key, model, dryRun: false, parameters: {} },
        ctx,
        deps,
        `rollback ${env.key}`,
        {
          alwaysConfirm: true,
          title: `Roll ${env.displayName} back from model v${current} to v${model}?`,
          // Approvers see which deploy this returns to, not only the versions.
          change: `v${current} → v${model}, a rollback to run ${runLabel(previous.id, previous.name)}`,
        },
      );
    } catch (err) {
      return devopsFailureReply(err, `find the previous deploy of ${env.displayName}`);
    }
  },
});
