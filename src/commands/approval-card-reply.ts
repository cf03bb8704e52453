import { approvalCardData } from '../cards/approval-card-data';
import { catalogIndex } from '../catalog/catalog-index';
import type { Catalog } from '../catalog/catalog-schema';
import type { Reply } from './reply';
import type { RunRecord } from '../use-cases/run-record';
import type { ApprovalSummary, RunSummary } from '../devops/devops-port';
import { approvalEnvironment } from '../use-cases/approval-environment';

/** What the approval card shows beyond the approval itself; each part is optional. */
export interface ApprovalCardContext {
  catalog: Catalog;
  now: number;
  /** The run's record (who asked, the model, what it changes live, the branch). */
  record?: RunRecord | undefined;
  /** The run as read from Azure DevOps (its build number, link, branch, parameters). */
  run?: RunSummary | undefined;
  /** Catalog key of the environment when the approval does not name one. */
  environmentKey?: string | undefined;
  /** While pending: whose view ('viewer' by default; decided approvals get the decided view). */
  view?: 'approver' | 'viewer';
  /** Chat ids of the approvers, for the card's user-specific refresh. */
  approverUserIds?: string[];
}

/**
 * THE approval card of an approval in its current state: pending or decided, posted by
 * notifications or updated after a click, built here so every copy shows the same facts.
 * @example const reply = approvalCardReply(approval, { catalog, now: clock.now(), record, run });
 */
export function approvalCardReply(approval: ApprovalSummary, ctx: ApprovalCardContext): Reply {
  const index = catalogIndex(ctx.catalog);
  const { run, record } = ctx;
  const environment = approvalEnvironment(ctx.catalog, approval, ctx.environmentKey);
  // The run's own parameter first (what it deploys); the record's when the run was not read.
  // Either is shown as `v3` (approvalCardData adds the `v`).
  const modelVersion = index.modelVersionOf(run?.parameters) ?? record?.model;
  return {
    card: 'approval',
    data: approvalCardData(approval, {
      view: ctx.view ?? 'viewer',
      approverUserIds: ctx.approverUserIds ?? [],
      ...(run?.name !== undefined && { runName: run.name }),
      modelVersion,
      change: record?.change,
      branch: run?.branch ?? record?.branch,
      requestedBy: record?.requestedBy.name,
      runUrl: run?.url,
      environment: environment?.displayName,
      stage: index.stageDisplayName(approval.pipelineKey ?? run?.pipelineKey, approval.stageName),
      now: ctx.now,
    }),
    runId: approval.runId,
  };
}
