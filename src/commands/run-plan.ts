import { catalogIndex } from '../catalog/catalog-index';
import { randomUUID } from 'node:crypto';
import { runCardData } from '../cards/run-card-data';
import { checkDeployAllowed } from '../locks/check-deploy-allowed';
import type { CommandContext, CommandDeps } from './command-spec';
import { audit, devopsFailureReply, refusalReply } from './handler-kit';
import { messageReply } from './message-reply';
import type { Reply } from './reply';
import { saveRunRecord } from './run-record';

/** Everything needed to queue one pipeline run, decided before anything is queued. */
export interface RunPlan {
  pipelineKey: string;
  /** Catalog environment key, for deploy pipelines. */
  environment?: string;
  /** Template parameters, validated (model version included). */
  parameters: Record<string, string>;
  branch?: string;
  /** The model version, when the pipeline deploys one. */
  model?: string;
  /** True when the latest model was picked because none was named. */
  modelDefaulted: boolean;
  /** What it does to the live model, e.g. 'v3 → v2, a downgrade' (deploys that need approval). */
  change?: string;
  /** Makes queuing idempotent across retries, double clicks and replicas. */
  correlationId: string;
  /** What the person typed, for the audit log. */
  command: string;
}

/** A correlation id derived from the activity, so a redelivered message cannot queue twice. */
export function correlationIdFor(ctx: CommandContext, what: string): string {
  return `chatops:${what}:${ctx.activityId ?? randomUUID()}`;
}

/**
 * Resolves the model version for a deploy: the one named (if registered) or the latest. The
 * answer is a plan update or a refusal listing the registered versions.
 */
export async function resolveModel(
  named: string | undefined,
  deps: CommandDeps,
): Promise<{ ok: true; model: string; defaulted: boolean } | { ok: false; reply: Reply }> {
  let versions;
  try {
    versions = await deps.devops.modelVersions({ mustInclude: named });
  } catch (err) {
    return { ok: false, reply: devopsFailureReply(err, 'read the registered model versions') };
  }
  const latest = versions.slice(0, 5).map((v) => `v${v.version}`);
  if (versions.length === 0) {
    return {
      ok: false,
      reply: messageReply(
        'attention',
        'No model registered yet',
        'There is no registered model version to deploy. Run `train` first.',
      ),
    };
  }
  if (named === undefined) return { ok: true, model: versions[0]!.version, defaulted: true };
  if (versions.some((v) => v.version === named))
    return { ok: true, model: named, defaulted: false };
  return {
    ok: false,
    reply: messageReply(
      'attention',
      `Model v${named} is not registered`,
      `The latest registered versions are ${latest.join(', ')}.`,
      {
        facts: [{ title: 'Try', value: `deploy … model ${latest[0]}` }],
      },
    ),
  };
}

/**
 * The checks every run passes before it is queued, in commands and card actions alike: may this
 * person run it, and is its environment locked by someone else?
 */
export async function checkRunAllowed(
  plan: RunPlan,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply | undefined> {
  const auth = { channelId: ctx.conversation.channelId };
  const decision = plan.environment
    ? deps.authorizer.check(ctx.actor, { kind: 'deploy', environment: plan.environment }, auth)
    : deps.authorizer.check(ctx.actor, { kind: 'run', pipeline: plan.pipelineKey }, auth);
  if (!decision.allowed) {
    await audit(deps, ctx, { action: plan.command, detail: decision.reason, outcome: 'refused' });
    return refusalReply(decision);
  }
  if (plan.environment) {
    const lock = await checkDeployAllowed(deps.store, deps.clock, plan.environment, ctx.actor);
    if (!lock.allowed) {
      const env = catalogIndex(deps.catalog).requireEnvironment(plan.environment);
      await audit(deps, ctx, {
        action: plan.command,
        detail: `locked by ${lock.lock.owner.name}`,
        outcome: 'refused',
      });
      return messageReply(
        'attention',
        `${env.displayName} is locked`,
        `${lock.lock.owner.name} locked ${env.displayName}${lock.lock.reason ? `: “${lock.lock.reason}”` : ''}. Ask them to \`unlock ${env.key}\` when they are done.`,
      );
    }
  }
  return undefined;
}

/**
 * Whether this plan's run must be queued as the person: a sign-in connection is configured and the
 * catalog says deploys to its environment act as the person (`actAsUser: { deploy: true }`).
 */
export function runsAsPerson(
  plan: Pick<RunPlan, 'pipelineKey' | 'environment'>,
  ctx: CommandContext,
  deps: CommandDeps,
): boolean {
  if (!ctx.actAsPerson) return false;
  const index = catalogIndex(deps.catalog);
  const env = plan.environment
    ? index.environment(plan.environment)
    : index.environmentOf(plan.pipelineKey);
  return env?.actAsUser?.deploy === true;
}

/** Queues the run and answers with its live card. Checks must have passed already. */
export async function queueRun(
  plan: RunPlan,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply> {
  const index = catalogIndex(deps.catalog);
  const pipeline = index.requirePipeline(plan.pipelineKey);
  // Before the try: a missing sign-in is not an Azure DevOps failure, and nothing is queued.
  const actAs = runsAsPerson(plan, ctx, deps) ? await ctx.actAsPerson!() : undefined;
  const as = actAs ? 'as the person' : 'as the bot identity';
  try {
    const run = await deps.devops.runPipeline(
      {
        pipelineKey: plan.pipelineKey,
        branch: plan.branch,
        parameters: plan.parameters,
        correlationId: plan.correlationId,
        ...(ctx.redelivered && { lookFirst: true }),
        requestedFor: ctx.actor.name,
      },
      actAs,
    );
    await saveRunRecord(deps.store, {
      runId: run.id,
      pipelineKey: plan.pipelineKey,
      environment: plan.environment,
      model: plan.model,
      change: plan.change,
      branch: plan.branch,
      parameters: plan.parameters,
      requestedBy: {
        id: ctx.actor.id,
        name: ctx.actor.name,
        teamsId: ctx.actor.teamsId,
        upn: ctx.actor.upn,
        aadObjectId: ctx.actor.aadObjectId,
      },
      conversationId: ctx.conversation.id,
      queuedAt: deps.clock.now(),
    });
    await audit(deps, ctx, {
      action: plan.command,
      detail: `${describePlan(plan, pipeline.name, index.modelParameter)} (${as})`,
      outcome: 'ok',
      runId: run.id,
    });
    await deps.onRunQueued?.(run.id);
    const data = runCardData(run, {
      environment: index.environmentOf(plan.pipelineKey)?.displayName,
      modelParameter: index.modelParameter,
      requestedBy: ctx.actor.name,
      now: deps.clock.now(),
    });
    return { card: 'run-status', data, runId: run.id, queued: true };
  } catch (err) {
    await audit(deps, ctx, {
      action: plan.command,
      detail: `${describePlan(plan, pipeline.name, index.modelParameter)} (${as}): ${(err as Error).message}`,
      outcome: 'failed',
    });
    return devopsFailureReply(err, `queue ${pipeline.name}`);
  }
}

/** One line for audit and cards: what will run, with which model and branch. */
export function describePlan(
  plan: RunPlan,
  pipelineName: string,
  modelParameter = 'modelVersion',
): string {
  const parts = [pipelineName];
  if (plan.model) parts.push(`model v${plan.model}${plan.modelDefaulted ? ' (latest)' : ''}`);
  if (plan.branch) parts.push(`branch ${plan.branch}`);
  const other = Object.entries(plan.parameters).filter(([k]) => k !== modelParameter);
  if (other.length > 0) parts.push(other.map(([k, v]) => `${k}=${v}`).join(' '));
  return parts.join(', ');
}
