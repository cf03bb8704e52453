import { catalogIndex } from '../catalog/catalog-index';
import type { Catalog } from '../catalog/catalog-schema';
import type { ApprovalStatus, ApprovalSummary } from './devops-port';
import { pipelineKeyOf } from './map-build';
import type { ApprovalLike } from './wire-types';

const STATUS: Record<string, ApprovalStatus> = {
  pending: 'pending',
  uninitiated: 'pending',
  deferred: 'pending',
  approved: 'approved',
  rejected: 'rejected',
  canceled: 'canceled',
  timedout: 'timedOut',
  skipped: 'skipped',
  failed: 'failed',
};

/**
 * An Approvals API approval as the bot's `ApprovalSummary`. The environment and stage come
 * from the catalog (the approval's pipeline ↔ the environment that pipeline deploys to), which
 * saves a timeline call per approval.
 * @example toApprovalSummary(json.value[0], catalog)
 */
export function toApprovalSummary(a: ApprovalLike, catalog: Catalog): ApprovalSummary {
  const pipelineName = a.pipeline?.name ?? '';
  const pipelineKey = pipelineKeyOf(catalog, pipelineName);
  const env = environmentOf(catalog, pipelineKey);
  const steps = a.steps ?? [];
  const decided = steps.find(
    (s) => s.actualApprover && (s.status === 'approved' || s.status === 'rejected'),
  );
  const summary: ApprovalSummary = {
    id: a.id ?? '',
    runId: Number(a.pipeline?.owner?.id ?? 0),
    pipelineId: Number(a.pipeline?.id ?? 0),
    pipelineName,
    status: STATUS[(a.status ?? 'pending').toLowerCase()] ?? 'pending',
    instructions: a.instructions ?? env?.approval?.instructions ?? '',
    createdOn: a.createdOn ?? '',
    approvers: steps.flatMap((s) =>
      s.assignedApprover
        ? [
            {
              id: s.assignedApprover.id ?? '',
              displayName: s.assignedApprover.displayName ?? s.assignedApprover.uniqueName ?? '',
            },
          ]
        : [],
    ),
  };
  if (pipelineKey) summary.pipelineKey = pipelineKey;
  if (decided?.actualApprover) {
    summary.decidedBy =
      decided.actualApprover.displayName ?? decided.actualApprover.uniqueName ?? '';
    const on = decided.lastModifiedOn ?? a.lastModifiedOn;
    if (on) summary.decidedOn = on;
    if (decided.comment) summary.comment = decided.comment;
  }
  if (env) {
    summary.environment = env.key;
    const pipeline = catalogIndex(catalog).pipeline(pipelineKey);
    const stage = pipeline?.stages.find((s) => s.environment === env.key);
    if (stage) summary.stageName = stage.name;
  }
  return summary;
}

/** The environment a catalog pipeline deploys to, preferring one that has an approval. */
function environmentOf(catalog: Catalog, pipelineKey: string | undefined) {
  if (!pipelineKey) return undefined;
  const envs = catalog.environments.filter((e) => e.pipeline === pipelineKey);
  return envs.find((e) => e.approval) ?? envs[0];
}
