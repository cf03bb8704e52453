import { runCardData } from '../cards/run-card-data';
import { catalogIndex } from '../catalog/catalog-index';
import type { RunSummary } from '../devops/devops-port';
import {
  checkRun,
  queuePlannedRun,
  type RunCheckRefusal,
  type RunPlan,
} from '../use-cases/queue-run';
import type { CommandContext, CommandDeps } from './command-spec';
import { devopsFailureReply, refusalReply } from './handler-kit';
import { messageReply } from './message-reply';
import type { Reply } from './reply';

// The plan and its checks are the queue-run use-case's; re-exported for the handlers.
export { correlationIdFor, describePlan, runsAsPerson, type RunPlan } from '../use-cases/queue-run';

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
  return refused && checkRefusalReply(refused);
}

/** Why a run may not be queued, as the answer: who can, or who holds the lock. */
export function checkRefusalReply(refused: RunCheckRefusal): Reply {
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
  return queuedReply(outcome.run, plan, ctx, deps);
}

/** A queued run's live card, the answer of the command that queued it. */
export function queuedReply(
  run: RunSummary,
  plan: RunPlan,
  ctx: CommandContext,
  deps: CommandDeps,
): Reply {
  const index = catalogIndex(deps.catalog);
  const data = runCardData(run, {
    environment: index.environmentOf(plan.pipelineKey)?.displayName,
    modelParameter: index.modelParameter,
    requestedBy: ctx.actor.name,
    now: deps.clock.now(),
  });
  return { card: 'run-status', data, runId: run.id, queued: true, outcome: 'queued' };
}
