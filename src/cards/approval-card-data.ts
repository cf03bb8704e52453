import type { ApprovalStatus, ApprovalSummary } from '../devops/devops-port';
import type { ApprovalCardData, ApprovalView, CardStyle } from './card-data';
import { formatRunning, formatTimestamp, runLabel, shortBranch } from './format';

/** What the approval card needs beyond the approval itself. */
export interface ApprovalCardExtra {
  /**
   * Whose view this is while the approval is pending: 'approver' gets the comment box and the
   * buttons, 'viewer' (the default, and what a channel post should be) gets the state and who
   * can approve. Decided approvals always get the decided view.
   */
  view?: 'approver' | 'viewer';
  /** Teams user ids (MRIs) of the approvers, for the card's `refresh.userIds`. */
  approverUserIds?: string[];
  /** Run build number, e.g. `20261126.3`; defaults to `#runId`. */
  runName?: string;
  modelVersion?: string;
  /**
   * What approving does to the live model, e.g. 'v3 → v2, a downgrade' or 'rollback of run
   * #135 (v2)' (`modelChange()` in format.ts); '' (default) hides it.
   */
  change?: string;
  /** The branch the run deploys from, e.g. 'develop'; '' (default) hides it. */
  branch?: string;
  requestedBy?: string;
  runUrl?: string;
  /** The stage as people read it (`Deploy Production`); defaults to the approval's stage name. */
  stage?: string;
  /** Environment display name; defaults to the approval's `environment`. */
  environment?: string;
  /** Epoch ms, for "waiting for 12m as of 14:15 UTC". */
  now: number;
  /** Signatures the server adds to each button's data. */
  tokens?: { approve?: string; reject?: string; refresh?: string };
}

/** Teams honours at most 60 ids in `refresh.userIds`. */
export const MAX_REFRESH_USER_IDS = 60;

const STATUS: Record<ApprovalStatus, { icon: string; text: string; style: CardStyle }> = {
  pending: { icon: '⏳', text: 'Waiting for approval', style: 'warning' },
  approved: { icon: '✅', text: 'Approved', style: 'good' },
  rejected: { icon: '🚫', text: 'Rejected', style: 'attention' },
  canceled: { icon: '🚫', text: 'Canceled', style: 'emphasis' },
  timedOut: { icon: '⌛', text: 'Timed out', style: 'attention' },
  skipped: { icon: '⏭️', text: 'Skipped', style: 'emphasis' },
  failed: { icon: '❌', text: 'Failed', style: 'attention' },
};

function withToken<T extends object>(data: T, token: string | undefined): T & { token?: string } {
  return token === undefined ? data : { ...data, token };
}

/** The prefix the bot writes before a person's comment in Azure DevOps (see decide-approval). */
const VIA_CHAT = /^(?:Approved|Rejected) by (.{1,100}?) via (?:Teams|Slack)\b(?::\s*)?/;

/**
 * The person's own words: the card already says who decided, so the "Approved by … via Teams:"
 * the bot wrote before them in Azure DevOps is not repeated under it.
 */
function commentOf(approval: ApprovalSummary): string {
  return (approval.comment ?? '').replace(VIA_CHAT, '').trim();
}

/**
 * Who decided, as a person would say it. When the bot's own identity recorded the decision, its
 * comment names the person ("Approved by Alex Wilber via Teams: …"): show them, not the bot.
 */
function decidedByOf(approval: ApprovalSummary): string {
  const viaTeams = VIA_CHAT.exec(approval.comment ?? '');
  if (viaTeams && viaTeams[1] !== approval.decidedBy) {
    return `${viaTeams[1]}${approval.decidedBy ? ` (through ${approval.decidedBy})` : ''}`;
  }
  return approval.decidedBy ?? '';
}

/**
 * Builds the approval card's data. Post the viewer view (with `approverUserIds`) to the channel;
 * answer the `card.refresh` invoke of an approver with `view: 'approver'`.
 * @example
 *   renderCard('approval', approvalCardData(approval, { view: 'approver', approverUserIds, now }))
 */
export function approvalCardData(
  approval: ApprovalSummary,
  extra: ApprovalCardExtra,
): ApprovalCardData {
  const pending = approval.status === 'pending';
  const view: ApprovalView = pending ? (extra.view ?? 'viewer') : 'decided';
  const status = STATUS[approval.status];
  const created = Date.parse(approval.createdOn);
  const ids = { approvalId: approval.id, runId: approval.runId };
  const tokens = extra.tokens ?? {};
  const refreshUserIds = pending
    ? (extra.approverUserIds ?? []).slice(0, MAX_REFRESH_USER_IDS)
    : [];
  const version = extra.modelVersion ?? '';
  const comment = commentOf(approval);
  const instructions = approval.instructions.trim();
  return {
    view,
    isApprover: view === 'approver',
    isViewer: view === 'viewer',
    isDecided: view === 'decided',
    icon: status.icon,
    statusText: status.text,
    style: status.style,
    pipelineName: approval.pipelineName,
    runName: runLabel(approval.runId, extra.runName),
    runId: approval.runId,
    stageName: extra.stage || (approval.stageName ?? ''),
    environment: extra.environment ?? approval.environment ?? '',
    modelVersion: /^\d/.test(version) ? `v${version}` : version,
    change: extra.change ?? '',
    isDowngrade: /downgrade|rollback/i.test(extra.change ?? ''),
    branch: shortBranch(extra.branch ?? ''),
    requestedBy: extra.requestedBy ?? '',
    createdAt: formatTimestamp(approval.createdOn),
    // Anchored to when it was written: a viewer's card is not refreshed while it waits.
    waiting: pending && !Number.isNaN(created) ? formatRunning(extra.now - created, extra.now) : '',
    instructions,
    hasInstructions: instructions.length > 0,
    approvers: approval.approvers.map((a) => a.displayName).join(', ') || 'nobody assigned',
    decidedBy: decidedByOf(approval),
    decidedAt: approval.decidedOn ? formatTimestamp(approval.decidedOn) : '',
    comment,
    hasComment: comment.trim().length > 0,
    runUrl: extra.runUrl ?? '',
    approveData: withToken(ids, tokens.approve),
    rejectData: withToken(ids, tokens.reject),
    // Once decided, nobody needs a user-specific view: everyone sees the same final card.
    hasRefresh: pending && refreshUserIds.length > 0,
    refreshUserIds,
    refreshData: withToken(ids, tokens.refresh),
  };
}
