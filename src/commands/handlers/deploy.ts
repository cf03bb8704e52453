import { catalogIndex } from '../../catalog/catalog-index';
import { modelChange } from '../../cards/format';
import { createConfirmation } from '../../confirmations/create-confirmation';
import { confirmReply, type DeployConfirmation } from '../confirm-reply';
import { defineCommand, type CommandContext, type CommandDeps } from '../command-spec';
import { devopsFailureReply } from '../handler-kit';
import { liveDeployment } from '../live-deployment';
import { messageReply } from '../message-reply';
import { parseDeploy, type DeployArgs } from '../parsers/parse-deploy';
import type { Reply } from '../reply';
import {
  checkRunAllowed,
  correlationIdFor,
  describePlan,
  queueRun,
  resolveModel,
  runsAsPerson,
  type RunPlan,
} from '../run-plan';

/** How long a prod deploy waits for its Confirm click. */
export const CONFIRM_TTL_MS = 5 * 60_000;

export const deployCommand = defineCommand<DeployArgs>({
  name: 'deploy',
  aliases: ['ship', 'release'],
  usage: 'deploy <env> [model vN] [branch <name>] [dry-run]',
  summary:
    'Deploys a registered model to an environment (latest model when none is named). Production asks you to confirm first.',
  examples: [
    'deploy custom-qa model v3',
    'deploy prod v3',
    'deploy model v3 to qa',
    'deploy custom-qa model 3 from feature/x',
    'deploy prod dry-run',
  ],
  parse: (words, { catalog }) => parseDeploy(words, catalog),
  run: (args, ctx, deps) => deploy(args, ctx, deps, `deploy ${args.environment}`),
});

/** The deploy flow, shared by `deploy`, `run <deploy pipeline>` and `rollback`. */
export async function deploy(
  args: DeployArgs,
  ctx: CommandContext,
  deps: CommandDeps,
  command: string,
  opts: {
    alwaysConfirm?: boolean;
    title?: string;
    /**
     * What the deploy does to the live model, when the caller knows better than the newest
     * succeeded run, e.g. rollback: 'v3 → v2, a rollback to run #135 · 20261129.3'.
     */
    change?: string;
  } = {},
): Promise<Reply> {
  const index = catalogIndex(deps.catalog);
  const env = index.requireEnvironment(args.environment);
  const pipeline = index.pipelineOf(env.key);
  const modelParam = index.modelParameter;
  const takesModel = pipeline.parameters.some((p) => p.name === modelParam);
  const plan: RunPlan = {
    pipelineKey: pipeline.key,
    environment: env.key,
    parameters: { ...args.parameters },
    branch: args.branch,
    modelDefaulted: false,
    correlationId: correlationIdFor(ctx, `deploy-${env.key}`),
    command,
  };
  const refused = await checkRunAllowed(plan, ctx, deps);
  if (refused) return refused;
  if (takesModel) {
    const model = await resolveModel(args.model, deps);
    if (!model.ok) return model.reply;
    plan.model = model.model;
    plan.modelDefaulted = model.defaulted;
    plan.parameters[modelParam] = model.model;
  }
  if (args.dryRun) return preview(plan, deps);
  // Approvers and the person confirming see what changes in production: "v3 → v2, a downgrade".
  if (env.confirm || env.approval || opts.alwaysConfirm)
    plan.change = opts.change ?? (await changeOf(plan, deps));
  if (env.confirm || opts.alwaysConfirm) {
    // Sign in before the question, so the Confirm click does not stop for a sign-in card.
    if (runsAsPerson(plan, ctx, deps)) await ctx.actAsPerson!();
    return askToConfirm(plan, ctx, deps, opts.title);
  }
  const reply = await queueRun(plan, ctx, deps);
  if (reply.card === 'run-status' && plan.modelDefaulted)
    reply.data.modelVersion = `v${plan.model} (latest registered)`;
  return reply;
}

/** The live model and the one this plan deploys, in words; '' when unknown. */
async function changeOf(plan: RunPlan, deps: CommandDeps): Promise<string> {
  if (!plan.environment || !plan.model) return '';
  try {
    const live = await liveDeployment(plan.environment, deps);
    return modelChange(live?.model, plan.model);
  } catch {
    // The question still gets asked; it just cannot say what is live.
    return '';
  }
}

async function preview(plan: RunPlan, deps: CommandDeps): Promise<Reply> {
  const index = catalogIndex(deps.catalog);
  const pipeline = index.requirePipeline(plan.pipelineKey);
  try {
    const p = await deps.devops.previewRun({
      pipelineKey: plan.pipelineKey,
      branch: plan.branch,
      parameters: plan.parameters,
    });
    return messageReply(
      'default',
      `Dry run: ${pipeline.name}`,
      `Nothing was queued. This is what would run: ${describePlan(plan, pipeline.name, index.modelParameter)}.`,
      {
        facts: [
          {
            title: 'Stages',
            // Display names, as the confirm card shows them ("Deploy Production", not Deploy_Prod).
            value: p.stages
              .map((n) => pipeline.stages.find((s) => s.name === n)?.displayName ?? n)
              .join(' → '),
          },
          { title: 'Branch', value: plan.branch ?? pipeline.defaultBranch },
          // The model as people say it ("Model v3"), not the template parameter's key.
          ...Object.entries(plan.parameters).map(([title, value]) =>
            title === index.modelParameter
              ? { title: 'Model', value: `v${value}` }
              : { title, value },
          ),
        ],
      },
    );
  } catch (err) {
    return devopsFailureReply(err, `preview ${pipeline.name}`);
  }
}

async function askToConfirm(
  plan: RunPlan,
  ctx: CommandContext,
  deps: CommandDeps,
  title?: string,
): Promise<Reply> {
  const confirmation = await createConfirmation<DeployConfirmation>(deps.store, deps.clock, {
    action: 'deploy',
    payload: { plan, title },
    requestedBy: { id: ctx.actor.id, name: ctx.actor.name, teamsId: ctx.actor.teamsId },
    conversationId: ctx.conversation.id,
    ttlMs: CONFIRM_TTL_MS,
  });
  return confirmReply(confirmation, deps, 'requester');
}
