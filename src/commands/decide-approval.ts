import { formatWhen, runLabel } from '../cards/format';
import { DevOpsError, type ApprovalSummary } from '../devops/devops-port';
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
import { approvalCardReply } from './approval-card-reply';
import { usageReply } from './usage-reply';
import { approvalEnvironment } from '../use-cases/approval-environment';

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
  return approvalOutcomeReply(await decide(input, ctx, deps), deps, input);
}

/**
 * A decision's outcome as the answer; `asked` is what the person decided, which the "which
 * one?" buttons repeat with each run's id.
 * @example const reply = await approvalOutcomeReply(outcome, deps, { decision: 'approved', comment: 'ship it' });
 */
export async function approvalOutcomeReply(
  outcome: DecideApprovalOutcome,
  deps: CommandDeps,
  asked: Pick<ApprovalDecision, 'decision' | 'comment'>,
): Promise<Reply> {
  switch (outcome.code) {
    case 'decided':
      return { ...approvalReply(outcome.approval, deps, outcome.record), outcome: 'ok' };
    case 'failed':
      return devopsFailureReply(outcome.error, outcome.doing);
    case 'refused:which-one':
      return { ...(await whichApproval(outcome.pending, asked, deps)), outcome: outcome.code };
    case 'refused:no-such-approval':
    case 'refused:already-decided':
    case 'refused:nothing-pending':
      return { ...notFoundReply(outcome), outcome: outcome.code };
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

/**
 * How `approve` and `reject` are written, for their help and their usage answers.
 * @example decisionUsage('rejected') // 'reject <env | run id> [reason]'
 */
export function decisionUsage(decision: ApprovalDecision['decision']): string {
  return decision === 'approved'
    ? 'approve <env | run id> [comment]'
    : 'reject <env | run id> [reason]';
}

function notFoundReply(outcome: Exclude<ApprovalNotFound, { code: 'refused:which-one' }>): Reply {
  switch (outcome.code) {
    case 'refused:no-such-approval':
      return messageReply(
        'attention',
        'No such approval',
        'That approval no longer exists in Azure DevOps.',
      );
    case 'refused:already-decided':
      return alreadyDecided(outcome.approval);
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
 * who asked, the model, what it changes live and the branch (what approvers approve). The one
 * builder notifications use too (`approvalCardReply`), so every copy shows the same facts.
 */
export function approvalReply(
  approval: ApprovalSummary,
  deps: CommandDeps,
  record?: RunRecord,
  view: 'approver' | 'viewer' = 'viewer',
  approverUserIds?: string[],
): Reply {
  return approvalCardReply(approval, {
    catalog: deps.catalog,
    now: deps.clock.now(),
    record,
    view,
    ...(approverUserIds && { approverUserIds }),
  });
}

/**
 * The answer to a decision typed in a chat that has the approval's card: who decided what, in
 * one line, since the card itself is updated to show it.
 * @example decidedHereReply(approval, deps) // "You approved run #134 of [Manual]-[Prod]-deployment, …"
 */
export function decidedHereReply(approval: ApprovalSummary, deps: CommandDeps): Reply {
  const env = approvalEnvironment(deps.catalog, approval);
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

/**
 * Several runs wait and the person named an environment: a question with one button per run,
 * each the whole command with the comment as typed (`approve 126 looks good`). Each run is
 * named as everywhere (`#126 · 20261129.3`: one Azure DevOps call for all) with its environment.
 */
async function whichApproval(
  pending: ApprovalSummary[],
  asked: Pick<ApprovalDecision, 'decision' | 'comment'>,
  deps: CommandDeps,
): Promise<Reply> {
  const command = asked.decision === 'approved' ? 'approve' : 'reject';
  const rest = asked.comment ? ` ${asked.comment}` : '';
  const now = deps.clock.now();
  const names = await buildNumbersOf([...new Set(pending.map((a) => a.runId))], deps);
  const runs = pending.map((a) => names.get(a.runId));
  const envOf = (a: ApprovalSummary) => approvalEnvironment(deps.catalog, a)?.displayName;
  const envs = [...new Set(pending.map(envOf).filter(Boolean))];
  const where = envs.length === 1 ? ` to ${envs[0]}` : '';
  const what = asked.decision === 'approved' ? 'comment' : 'reason';
  // Two approvals of one run (parallel stages) would make the same button twice.
  const commands = [...new Set(pending.map((a) => `${command} ${a.runId}${rest}`))];
  return usageReply({
    command,
    title: `Which run do you ${command}?`,
    problem:
      `${pending.length} deployments${where} are waiting for approval. Pick one` +
      (rest ? `; your ${what} goes with it.` : '.'),
    usage: decisionUsage(asked.decision),
    suggestions: pending.map((a, i) =>
      [
        `${command} ${a.runId}${rest} — ${runLabel(a.runId, runs[i])}`,
        envOf(a) ?? a.pipelineName,
        `waiting since ${formatWhen(a.createdOn, now)}`,
      ].join(', '),
    ),
    commands,
  });
}

/**
 * The runs' build numbers, in one Azure DevOps call; none when it cannot say now (the ids still
 * name the runs).
 */
async function buildNumbersOf(runIds: number[], deps: CommandDeps): Promise<Map<number, string>> {
  try {
    return new Map((await deps.devops.getRuns(runIds)).map((r) => [r.id, r.name]));
  } catch (err) {
    if (err instanceof DevOpsError) return new Map();
    throw err;
  }
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
