import { runCardData } from '../cards/run-card-data';
import { catalogIndex } from '../catalog/catalog-index';
import { checkRun, queuePlannedRun, type RunPlan } from '../use-cases/queue-run';
import type { CommandContext, CommandDeps } from './command-spec';
import { devopsFailureReply, refusalReply } from './handler-kit';
import { messageReply } from './message-reply';
import type { Reply } from './reply';

// The plan and its checks are the queue-run use-case's; re-exported for the handlers.
export { correlationIdFor, describePlan, runsAsPerson, type RunPlan } from '../use-cases/queue-run';

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
      reply: {
        ...messageReply(
          'attention',
          'No model registered yet',
          'There is no registered model version to deploy. Run `train` first.',
        ),
        outcome: 'refused:no-model',
      },
    };
  }
  if (named === undefined) return { ok: true, model: versions[0]!.version, defaulted: true };
  if (versions.some((v) => v.version === named))
    return { ok: true, model: named, defaulted: false };
  return {
    ok: false,
    reply: {
      ...messageReply(
        'attention',
        `Model v${named} is not registered`,
        `The latest registered versions are ${latest.join(', ')}.`,
        { facts: [{ title: 'Try', value: `deploy … model ${latest[0]}` }] },
      ),
      outcome: 'refused:model-not-registered',
    },
  };
}

/**
 * The checks every run passes before it is queued (the queue-run use-case), as the refusal
 * the person sees, or undefined when the run may go.
 * @example const refused = await checkRunAllowed(plan, ctx, deps); if (refused) return refused;
 */
export async function checkRunAllowed(
  plan: RunPlan,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply | undefined> {
  const refused = await checkRun(plan, ctx, deps);
  if (!refused) return undefined;
  if (refused.code !== 'refused:locked') return refusalReply(refused.decision);
  const { lock, environment: env } = refused;
  return {
    ...messageReply(
      'attention',
      `${env.displayName} is locked`,
      `${lock.owner.name} locked ${env.displayName}${lock.reason ? `: “${lock.reason}”` : ''}. Ask them to \`unlock ${env.key}\` when they are done.`,
    ),
    outcome: refused.code,
  };
}

/**
 * Queues the run (the queue-run use-case) and answers with its live card. Checks must have
 * passed already.
 * @example return (await checkRunAllowed(plan, ctx, deps)) ?? queueRun(plan, ctx, deps);
 */
export async function queueRun(
  plan: RunPlan,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply> {
  const outcome = await queuePlannedRun(plan, ctx, deps);
  if (outcome.code === 'failed') return devopsFailureReply(outcome.error, outcome.doing);
  const { run } = outcome;
  const index = catalogIndex(deps.catalog);
  const data = runCardData(run, {
    environment: index.environmentOf(plan.pipelineKey)?.displayName,
    modelParameter: index.modelParameter,
    requestedBy: ctx.actor.name,
    now: deps.clock.now(),
  });
  return { card: 'run-status', data, runId: run.id, queued: true, outcome: 'queued' };
}
