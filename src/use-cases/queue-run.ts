import { randomUUID } from 'node:crypto';
import type { Decision, RefusalWhy } from '../auth/authorizer';
import { catalogIndex } from '../catalog/catalog-index';
import type { EnvironmentSpec } from '../catalog/catalog-schema';
import { DevOpsError, type RunSummary } from '../devops/devops-port';
import type { EnvironmentLock } from '../locks/environment-lock';
import { checkDeployAllowed } from '../locks/check-deploy-allowed';
import { audit } from './audit';
import type { DevOpsFailure } from './devops-failure';
import { runDecision } from './run-permission';
import { saveRunRecord } from './run-record';
import type { UseCaseContext, UseCaseDeps } from './use-case-deps';

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

/** Why a run may not be queued: the Authorizer's refusal, or someone else's lock. */
export type RunCheckRefusal =
  | { code: `refused:${RefusalWhy}`; decision: Extract<Decision, { allowed: false }> }
  | { code: 'refused:locked'; lock: EnvironmentLock; environment: EnvironmentSpec };

/** A correlation id derived from the activity, so a redelivered message cannot queue twice. */
export function correlationIdFor(ctx: Pick<UseCaseContext, 'activityId'>, what: string): string {
  return `chatops:${what}:${ctx.activityId ?? randomUUID()}`;
}

/**
 * The checks every run passes before it is queued, in commands and card actions alike: may this
 * person run it, and is its environment locked by someone else? Refusals are audited.
 * @example const refused = await checkRun(plan, ctx, deps); if (refused?.code === 'refused:locked') refused.lock.owner
 */
export async function checkRun(
  plan: RunPlan,
  ctx: UseCaseContext,
  deps: UseCaseDeps,
): Promise<RunCheckRefusal | undefined> {
  const decision = runDecision(plan, ctx, deps);
  if (!decision.allowed) {
    const code = `refused:${decision.why ?? 'not-allowed'}` as const;
    await audit(deps, ctx, { action: plan.command, detail: decision.reason, outcome: code });
    return { code, decision };
  }
  if (plan.environment) {
    const lock = await checkDeployAllowed(deps.store, deps.clock, plan.environment, ctx.actor);
    if (!lock.allowed) {
      const environment = catalogIndex(deps.catalog).requireEnvironment(plan.environment);
      await audit(deps, ctx, {
        action: plan.command,
        detail: `locked by ${lock.lock.owner.name}`,
        outcome: 'refused:locked',
      });
      return { code: 'refused:locked', lock: lock.lock, environment };
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
  ctx: UseCaseContext,
  deps: Pick<UseCaseDeps, 'catalog'>,
): boolean {
  if (!ctx.actAsPerson) return false;
  const index = catalogIndex(deps.catalog);
  const env = plan.environment
    ? index.environment(plan.environment)
    : index.environmentOf(plan.pipelineKey);
  return env?.actAsUser?.deploy === true;
}

/**
 * Queues the run (checks must have passed already), records who asked and audits it:
 * `queued` with Azure DevOps' run, or the failure, audited as `failed:<code>`.
 * @example const o = await queuePlannedRun(plan, ctx, deps); if (o.code === 'queued') o.run.id
 */
export async function queuePlannedRun(
  plan: RunPlan,
  ctx: UseCaseContext,
  deps: UseCaseDeps & { onRunQueued?(runId: number): Promise<void> },
): Promise<{ code: 'queued'; run: RunSummary } | DevOpsFailure> {
  const index = catalogIndex(deps.catalog);
  const pipeline = index.requirePipeline(plan.pipelineKey);
  // Before the try: a missing sign-in is not an Azure DevOps failure, and nothing is queued.
  const actAs = runsAsPerson(plan, ctx, deps) ? await ctx.actAsPerson!() : undefined;
  const as = actAs ? 'as the person' : 'as the bot identity';
  const described = describePlan(plan, pipeline.name, index.modelParameter);
  let run: RunSummary;
  try {
    run = await deps.devops.runPipeline(
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
  } catch (err) {
    const devops = err instanceof DevOpsError ? err : undefined;
    await audit(deps, ctx, {
      action: plan.command,
      detail: `${described} (${as}): ${(err as Error).message}`,
      outcome: `failed:${devops?.code ?? 'error'}`,
    });
    if (!devops) throw err;
    return { code: 'failed', error: devops, doing: `queue ${pipeline.name}` };
  }
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
    detail: `${described} (${as})`,
    outcome: 'queued',
    runId: run.id,
  });
  await deps.onRunQueued?.(run.id);
  return { code: 'queued', run };
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
