import { catalogIndex } from '../../catalog/catalog-index';
import { deploy as deployUseCase, type DeployOptions } from '../../use-cases/deploy';
import type { RunPlan } from '../../use-cases/queue-run';
import { confirmReply } from '../confirm-reply';
import { defineCommand, type CommandContext, type CommandDeps } from '../command-spec';
import { devopsFailureReply } from '../handler-kit';
import { messageReply } from '../message-reply';
import { parseDeploy, type DeployArgs } from '../parsers/parse-deploy';
import type { Reply } from '../reply';
import { checkRefusalReply, describePlan, queuedReply } from '../run-plan';

export { CONFIRM_TTL_MS } from '../../use-cases/deploy';

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

/**
 * The deploy flow (the deploy use-case), shared by `deploy`, `run <deploy pipeline>` and
 * `rollback`, as the answer: the run's card, the confirm card, a dry run, or why not.
 * @example return deploy({ environment: 'qa', dryRun: false, parameters: {} }, ctx, deps, 'deploy qa');
 */
export async function deploy(
  args: DeployArgs,
  ctx: CommandContext,
  deps: CommandDeps,
  command: string,
  opts: DeployOptions = {},
): Promise<Reply> {
  const outcome = await deployUseCase(args, ctx, deps, command, opts);
  switch (outcome.code) {
    case 'queued': {
      const reply = queuedReply(outcome.run, outcome.plan, ctx, deps);
      if (reply.card === 'run-status' && outcome.plan.modelDefaulted)
        reply.data.modelVersion = `v${outcome.plan.model} (latest registered)`;
      return reply;
    }
    case 'confirm':
      return { ...confirmReply(outcome.confirmation, deps, 'requester'), outcome: 'ok' };
    case 'preview':
      return preview(outcome.plan, deps);
    case 'failed':
      return devopsFailureReply(outcome.error, outcome.doing);
    case 'refused:no-model':
      return {
        ...messageReply(
          'attention',
          'No model registered yet',
          'There is no registered model version to deploy. Run `train` first.',
        ),
        outcome: outcome.code,
      };
    case 'refused:model-not-registered':
      return {
        ...messageReply(
          'attention',
          `Model v${outcome.named} is not registered`,
          `The latest registered versions are ${outcome.latest.join(', ')}.`,
          { facts: [{ title: 'Try', value: `deploy … model ${outcome.latest[0]}` }] },
        ),
        outcome: outcome.code,
      };
    default:
      return checkRefusalReply(outcome);
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
