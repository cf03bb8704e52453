import type { ApprovalSummary } from '../../src/devops/devops-port';
import type { CardDataMap } from '../../src/cards/card-data';
import { approvalCardData } from '../../src/cards/approval-card-data';
import { FIXTURE_NOW, PENDING_APPROVAL_ID, RUN_FIXTURES, minutesAgo } from './run-fixtures';

/** Sample approvals, pending and decided, and the approval card's views of them. */

export type ApprovalFixtureState = 'pending' | 'approved' | 'rejected';

const APPROVERS = [
  { id: 'a1', displayName: 'DevOps Lead' },
  { id: 'a2', displayName: 'Release Manager' },
];

function approval(status: ApprovalSummary['status']): ApprovalSummary {
  const decided = status !== 'pending';
  return {
    id: PENDING_APPROVAL_ID,
    runId: 4203,
    pipelineId: 7,
    pipelineKey: 'prod',
    pipelineName: '[Manual]-[Prod]-deployment',
    status,
    instructions: "Check the QA results and the model's evaluation metrics before approving.",
    createdOn: minutesAgo(12),
    approvers: APPROVERS,
    decidedBy: decided ? 'Release Manager' : undefined,
    decidedOn: decided ? minutesAgo(1) : undefined,
    comment:
      status === 'approved'
        ? 'QA green, MAE within 2% of v2.'
        : status === 'rejected'
          ? 'Evaluation metrics regressed; retrain first.'
          : undefined,
    stageName: 'Deploy Production',
    environment: 'Production',
  };
}

export const APPROVAL_FIXTURES: Record<ApprovalFixtureState, ApprovalSummary> = {
  pending: approval('pending'),
  approved: approval('approved'),
  rejected: approval('rejected'),
};

export const APPROVER_TEAMS_IDS = ['29:1a-devops-lead', '29:1b-release-manager'];

export function approvalFixtures(): Record<string, CardDataMap['approval']> {
  const common = {
    runName: RUN_FIXTURES.waiting.name,
    modelVersion: '3',
    requestedBy: 'Alex Wilber',
    runUrl: RUN_FIXTURES.waiting.url,
    approverUserIds: APPROVER_TEAMS_IDS,
    now: FIXTURE_NOW,
  };
  return {
    'pending-approver': approvalCardData(APPROVAL_FIXTURES.pending, {
      ...common,
      view: 'approver',
      change: 'v3 → v2, a downgrade',
      branch: 'refs/heads/main',
    }),
    'pending-viewer': approvalCardData(APPROVAL_FIXTURES.pending, { ...common, view: 'viewer' }),
    approved: approvalCardData(APPROVAL_FIXTURES.approved, common),
    rejected: approvalCardData(APPROVAL_FIXTURES.rejected, common),
  };
}
