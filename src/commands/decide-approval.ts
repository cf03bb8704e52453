import { approvalCardData } from '../cards/approval-card-data';
import { catalogIndex } from '../catalog/catalog-index';
import type { ApprovalSummary } from '../devops/devops-port';
import {
  decideApproval as decide,
  requesterOf as requesterOfRun,
  type ApprovalDecision,
  type ApprovalNotFound,
  type DecideApprovalOutcome,
} from '../use-cases/decide-approval';
import type { RunRecord } from '../use-cases/run-record';
import type { RequesterMatch } from '../use-cases/run-requester';
import type { CommandContext, CommandDeps } from './command-spec';
import { devopsFailureReply, refusalReply } from './handler-kit';
import { messageReply } from './message-reply';
import type { Reply } from './reply';

export type { ApprovalDecision, ApprovalTarget } from '../use-cases/decide-approval';

/**
 * Approve or reject (the command and the card buttons): the use-case's outcome as the answer,
 * the decided approval's card or why not, with the outcome code.
 * @example const reply = await decideApproval({ target: { runId: 5 }, decision: 'approved', comment: '' }, ctx, deps);
 */
export async function decideApproval(
  input: ApprovalDecision,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply> {
  return approvalOutcomeReply(await decide(input, ctx, deps), deps);
}

/** A decision's outcome as the answer. */
export function approvalOutcomeReply(outcome: DecideApprovalOutcome, deps: CommandDeps): Reply {
  switch (outcome.code) {
    case 'decided':
      return { ...approvalReply(outcome.approval, deps, outcome.record), outcome: 'ok' };
    case 'failed':
      return devopsFailureReply(outcome.error, outcome.doing);
    case 'refused:no-such-approval':
    case 'refused:already-decided':
    case 'refused:which-one':
    case 'refused:nothing-pending':
      return { ...notFoundReply(outcome, deps), outcome: outcome.code };
    default:
      return { ...refusalReply(outcome.decision), outcome: outcome.code };
  }
}

/**
 * Whether the actor asked for the run (see the use-case), or the answer when Azure DevOps failed.
 * @example const r = await requesterOf(5, record, ctx, deps); if ('match' in r) r.match
 */
export async function requesterOf(
  runId: number,
  record: RunRecord | undefined,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<{ match: RequesterMatch } | { reply: Reply }> {
  const r = await requesterOfRun(runId, record, ctx, deps);
  return 'match' in r ? r : { reply: devopsFailureReply(r.error, r.doing) };
}

function notFoundReply(outcome: ApprovalNotFound, deps: CommandDeps): Reply {
  switch (outcome.code) {
    case 'refused:no-such-approval':
      return messageReply(
        'attention',
        'No such approval',
        'That approval no longer exists in Azure DevOps.',
      );
    case 'refused:already-decided':
      return alreadyDecided(outcome.approval);
    case 'refused:which-one':
      return whichOne(outcome.pending, deps);
    case 'refused:nothing-pending':
      if ('runId' in outcome) {
        return messageReply(
          'default',
          'Nothing to approve',
          `Run ${outcome.runId} is not waiting for an approval.`,
        );
      }
      return nothingPending(outcome.environment.displayName, outcome.latest);
  }
}

/**
 * The approval card for an approval in its current state, with what the run's record says:
 * who asked, the model, what it changes live and the branch (what approvers approve).
 */
export function approvalReply(
  approval: ApprovalSummary,
  deps: CommandDeps,
  record?: RunRecord,
  view: 'approver' | 'viewer' = 'viewer',
  approverUserIds?: string[],
): Reply {
  const index = catalogIndex(deps.catalog);
  const env = approval.environment
    ? index.environment(approval.environment)
    : index.environmentOf(approval.pipelineKey);
  return {
    card: 'approval',
    data: approvalCardData(approval, {
      environment: env?.displayName,
      requestedBy: record?.requestedBy.name,
      modelVersion: record?.model ? `v${record.model}` : undefined,
      change: record?.change,
      branch: record?.branch,
      view,
      approverUserIds,
      now: deps.clock.now(),
    }),
    runId: approval.runId,
  };
}

/**
 * The answer to a decision typed in a chat that has the approval's card: who decided what, in
 * one line, since the card itself is updated to show it.
 * @example decidedHereReply(approval, deps) // "You approved run #134 of [Manual]-[Prod]-deployment, …"
 */
export function decidedHereReply(approval: ApprovalSummary, deps: CommandDeps): Reply {
  const index = catalogIndex(deps.catalog);
  const env = approval.environment
    ? index.environment(approval.environment)
    : index.environmentOf(approval.pipelineKey);
  const approved = approval.status === 'approved';
  const where = env ? `, the deploy to ${env.displayName}` : '';
  const comment = approval.comment ? ` Comment: “${approval.comment}”` : '';
  return {
    ...messageReply(
      approved ? 'good' : 'attention',
      approved ? 'Approved' : 'Rejected',
      `You ${approved ? 'approved' : 'rejected'} run #${approval.runId} of ${approval.pipelineName}${where}. Its approval card above shows the decision.${comment}`,
      { icon: approved ? '✅' : '🚫' },
    ),
    outcome: 'ok',
  };
}

/** A refusal for an approval someone decided first (callers pass only decided ones). */
function alreadyDecided(approval: ApprovalSummary): Reply {
  const by = approval.decidedBy ? ` by ${approval.decidedBy}` : '';
  const comment = approval.comment ? ` Comment: “${approval.comment}”` : '';
  return messageReply(
    'warning',
    `Already ${approval.status}`,
    `The approval for run ${approval.runId} was already ${approval.status}${by}.${comment}`,
  );
}

function whichOne(pending: ApprovalSummary[], deps: CommandDeps): Reply {
  return {
    card: 'list',
    data: {
      title: `${pending.length} approvals are waiting — which one?`,
      subtitle: 'Answer with the run id, e.g. `approve ' + pending[0]!.runId + '`.',
      columns: [
        { title: 'Run', width: 1 },
        { title: 'Pipeline', width: 3 },
        { title: 'Stage', width: 2 },
        { title: 'Waiting since', width: 2 },
      ],
      rows: pending.map((a) => ({
        cells: [
          `${a.runId}`,
          a.pipelineName,
          a.stageName ?? '',
          new Date(a.createdOn).toISOString().slice(0, 16).replace('T', ' '),
        ],
      })),
      hasRows: true,
      emptyText: '',
      footer: `As of ${new Date(deps.clock.now()).toISOString().slice(11, 16)} UTC`,
    },
  };
}

function nothingPending(environment: string, latest: ApprovalNotFoundLatest): Reply {
  const facts = latest
    ? [
        { title: 'Latest run', value: `${latest.name} (#${latest.id})` },
        {
          title: 'State',
          value: latest.state === 'completed' ? (latest.result ?? 'completed') : latest.state,
        },
        { title: 'Started', value: latest.createdDate.slice(0, 16).replace('T', ' ') },
      ]
    : [];
  return messageReply(
    'default',
    'Nothing to approve',
    `Nothing is waiting for approval in ${environment}.${latest ? '' : ' It has never been deployed.'}`,
    {
      facts,
      link: latest ? { title: 'Open the latest run', url: latest.url } : undefined,
    },
  );
}

type ApprovalNotFoundLatest = Extract<ApprovalNotFound, { latest?: unknown }>['latest'];
