import { catalogIndex } from '../catalog/catalog-index';
import { confirmCardData } from '../cards/confirm-card-data';
import type { PendingConfirmation } from '../confirmations/pending-confirmation';
import type { DeployConfirmation } from '../use-cases/deploy';
import type { CommandDeps } from './command-spec';
import type { Reply } from './reply';
import { describePlan } from './run-plan';

export type { DeployConfirmation };

/**
 * The confirm card for a confirmation in its current state. `view: 'requester'` shows the
 * buttons (while pending); everyone else sees who must confirm.
 */
export function confirmReply(
  confirmation: PendingConfirmation<DeployConfirmation>,
  deps: CommandDeps,
  view: 'requester' | 'viewer',
): Reply {
  const { plan } = confirmation.payload;
  const index = catalogIndex(deps.catalog);
  const env = index.environment(plan.environment);
  const pipeline = index.requirePipeline(plan.pipelineKey);
  const envName = env?.displayName ?? pipeline.name;
  const branch = plan.branch ?? pipeline.defaultBranch;
  return {
    card: 'confirm',
    data: confirmCardData({
      confirmationId: confirmation.id,
      state: confirmation.state,
      view,
      title:
        confirmation.payload.title ??
        `Deploy${plan.model ? ` model v${plan.model}` : ''} to ${envName}?`,
      summary: `This queues ${describePlan(plan, pipeline.name)}${plan.branch ? '' : ` on ${branch}`}.${env?.approval ? ` ${env.displayName} approvers are asked next.` : ''}`,
      change: plan.change,
      facts: [
        { title: 'Pipeline', value: pipeline.name },
        { title: 'Environment', value: envName },
        ...(plan.model
          ? [
              {
                title: 'Model',
                value: `v${plan.model}${plan.modelDefaulted ? ' (latest registered)' : ''}`,
              },
            ]
          : []),
        { title: 'Branch', value: branch },
      ],
      stages: pipeline.stages.map((s) => s.displayName ?? s.name),
      requestedBy: confirmation.requestedBy.name,
      requesterUserIds: [confirmation.requestedBy.teamsId],
      expiresAt: confirmation.expiresAt,
      now: deps.clock.now(),
      decidedBy: confirmation.decidedBy?.name,
      decidedAt: confirmation.decidedAt,
    }),
  };
}
