import { catalogIndex } from '../catalog/catalog-index';
import { modelChange } from '../cards/format';
import { createConfirmation } from '../confirmations/create-confirmation';
import type { PendingConfirmation } from '../confirmations/pending-confirmation';
import { DevOpsError, type RunSummary } from '../devops/devops-port';
import type { DevOpsFailure } from './devops-failure';
import { liveDeployment } from './live-deployment';
import {
  checkRun,
  correlationIdFor,
  queuePlannedRun,
  runsAsPerson,
  type RunCheckRefusal,
  type RunPlan,
} from './queue-run';
import type { UseCaseContext, UseCaseDeps } from './use-case-deps';

/** How long a prod deploy waits for its Confirm click. */
export const CONFIRM_TTL_MS = 5 * 60_000;

/** What a deploy confirmation remembers: the checked plan, and how to title it. */
export interface DeployConfirmation {
  plan: RunPlan;
  title?: string;
}

/** A deploy as asked: environment key, model digits (absent = latest), branch, parameters. */
export interface DeployRequest {
  environment: string;
  model?: string;
  branch?: string;
  dryRun: boolean;
  parameters: Record<string, string>;
}

export interface DeployOptions {
  /** Ask to confirm even where the environment does not (rollback). */
  alwaysConfirm?: boolean;
  /** The confirm card's title, when the caller words it (rollback). */
  title?: string;
  /** What the deploy does to the live model, when the caller knows better (rollback). */
  change?: string;
}

/**
 * What a deploy came to: `queued` (the run), `confirm` (a pending confirmation to ask),
 * `preview` (a dry run's checked plan), or why not (`refused:locked`, `refused:not-allowed`,
 * `refused:no-model`, `refused:model-not-registered`, an Azure DevOps failure).
 */
export type DeployOutcome =
  | RunCheckRefusal
  | DevOpsFailure
  | { code: 'refused:no-model' }
  | { code: 'refused:model-not-registered'; named: string; latest: string[] }
  | { code: 'preview'; plan: RunPlan }
  | { code: 'confirm'; confirmation: PendingConfirmation<DeployConfirmation> }
  | { code: 'queued'; run: RunSummary; plan: RunPlan };

/**
 * The deploy flow, shared by `deploy`, `run <deploy pipeline>` and `rollback`: checks (role,
 * lock), the model (named and registered, or the latest), then a dry run, a confirmation, or
 * the queued run.
 *
 * @example
 * const o = await deploy({ environment: 'qa', model: '3', dryRun: false, parameters: {} }, ctx, deps, 'deploy qa');
 * o.code // 'queued' | 'confirm' | 'refused:locked' | …
 */
export async function deploy(
  request: DeployRequest,
  ctx: UseCaseContext,
  deps: UseCaseDeps & { onRunQueued?(runId: number): Promise<void> },
  command: string,
  opts: DeployOptions = {},
): Promise<DeployOutcome> {
  const index = catalogIndex(deps.catalog);
  const env = index.requireEnvironment(request.environment);
  const pipeline = index.pipelineOf(env.key);
  const plan: RunPlan = {
    pipelineKey: pipeline.key,
    environment: env.key,
    parameters: { ...request.parameters },
    branch: request.branch,
    modelDefaulted: false,
    correlationId: correlationIdFor(ctx, `deploy-${env.key}`),
    command,
  };
  const refused = await checkRun(plan, ctx, deps);
  if (refused) return refused;
  if (pipeline.parameters.some((p) => p.name === index.modelParameter)) {
    const model = await resolveModel(request.model, deps);
    if ('code' in model) return model;
    plan.model = model.model;
    plan.modelDefaulted = model.defaulted;
    plan.parameters[index.modelParameter] = model.model;
  }
  if (request.dryRun) return { code: 'preview', plan };
  // Approvers and the person confirming see what changes in production: "v3 → v2, a downgrade".
  if (env.confirm || env.approval || opts.alwaysConfirm)
    plan.change = opts.change ?? (await changeOf(plan, deps));
  if (env.confirm || opts.alwaysConfirm) {
    // Sign in before the question, so the Confirm click does not stop for a sign-in card.
    if (runsAsPerson(plan, ctx, deps)) await ctx.actAsPerson!();
    const confirmation = await createConfirmation<DeployConfirmation>(deps.store, deps.clock, {
      action: 'deploy',
      payload: { plan, title: opts.title },
      requestedBy: { id: ctx.actor.id, name: ctx.actor.name, teamsId: ctx.actor.teamsId },
      conversationId: ctx.conversation.id,
      ttlMs: CONFIRM_TTL_MS,
    });
    return { code: 'confirm', confirmation };
  }
  const queued = await queuePlannedRun(plan, ctx, deps);
  return queued.code === 'queued' ? { ...queued, plan } : queued;
}

/** The model version to deploy: the one named (if registered) or the latest. */
async function resolveModel(
  named: string | undefined,
  deps: Pick<UseCaseDeps, 'devops'>,
): Promise<
  | { model: string; defaulted: boolean }
  | DevOpsFailure
  | { code: 'refused:no-model' }
  | { code: 'refused:model-not-registered'; named: string; latest: string[] }
> {
  let versions;
  try {
    versions = await deps.devops.modelVersions({ mustInclude: named });
  } catch (err) {
    if (!(err instanceof DevOpsError)) throw err;
    return { code: 'failed', error: err, doing: 'read the registered model versions' };
  }
  if (versions.length === 0) return { code: 'refused:no-model' };
  if (named === undefined) return { model: versions[0]!.version, defaulted: true };
  if (versions.some((v) => v.version === named)) return { model: named, defaulted: false };
  const latest = versions.slice(0, 5).map((v) => `v${v.version}`);
  return { code: 'refused:model-not-registered', named, latest };
}

/** The live model and the one this plan deploys, in words; '' when unknown. */
async function changeOf(plan: RunPlan, deps: Pick<UseCaseDeps, 'catalog' | 'devops'>) {
  if (!plan.environment || !plan.model) return '';
  try {
    const live = await liveDeployment(plan.environment, deps);
    return modelChange(live?.model, plan.model);
  } catch {
    // The question still gets asked; it just cannot say what is live.
    return '';
  }
}
