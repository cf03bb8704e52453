import { approvalCardData } from '../cards/approval-card-data';
import { rememberRunDecision } from '../notifications/run-decision';
import { DevOpsError, type ApprovalSummary } from '../devops/devops-port';
import type { CommandContext, CommandDeps } from './command-spec';
import { audit, devopsFailureReply, environmentOf, refusalReply } from './handler-kit';
import { messageReply } from './message-reply';
import type { Reply } from './reply';
import { getRunRecord, type RunRecord } from './run-record';
import { runRequester, type RequesterMatch } from './run-requester';

export interface ApprovalTarget {
  runId?: number;
  /** Catalog environment key. */
  environment?: string;
  /** From a card button: the exact approval. */
  approvalId?: string;
}

export interface ApprovalDecision {
  target: ApprovalTarget;
  decision: 'approved' | 'rejected';
  comment: string;
}

/**
 * Approve or reject, from a command or a card button: find the one pending approval meant,
 * check the person may decide it, record their name and comment in Azure DevOps.
 */
export async function decideApproval(
  input: ApprovalDecision,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<Reply> {
  const verb = input.decision === 'approved' ? 'approve' : 'reject';
  const found = await findApproval(input.target, deps);
  if ('reply' in found) return found.reply;
  const approval = found.approval;
  const envKey = approval.environment ?? environmentOf(deps, approval.pipelineKey)?.key;
  const record = await getRunRecord(deps.store, approval.runId);
  const requester = await requesterOf(approval.runId, record, ctx, deps);
  if ('reply' in requester) return requester.reply;
  const decision = deps.authorizer.check(
    ctx.actor,
    { kind: 'approve', environment: envKey ?? '', requester: requester.match },
    { channelId: ctx.conversation.channelId },
  );
  if (!decision.allowed) {
    await audit(deps, ctx, {
      action: verb,
      detail: `run ${approval.runId}: ${decision.reason}`,
      outcome: 'refused',
      runId: approval.runId,
    });
    return refusalReply(decision);
  }
  // With a sign-in connection the person decides with their own Azure DevOps identity (Azure
  // DevOps enforces its approver list and records them); a missing sign-in stops here, before any
  // change, and never falls back to the bot's identity.
  const actAs = ctx.actAsPerson ? await ctx.actAsPerson() : undefined;
  const verbed = input.decision === 'approved' ? 'Approved' : 'Rejected';
  const by = actAs ? '' : ` by ${ctx.actor.name}`;
  const comment = `${verbed}${by} via Teams${input.comment ? `: ${input.comment}` : ''}`;
  const as = actAs ? 'as the person' : 'as the bot identity';
  let decided: ApprovalSummary;
  try {
    decided = await deps.devops.decideApproval(approval.id, input.decision, comment, actAs);
  } catch (err) {
    if (err instanceof DevOpsError && err.code === 'conflict') {
      const now = await deps.devops.getApproval(approval.id).catch(() => null);
      if (now && now.status !== 'pending') {
        await audit(deps, ctx, {
          action: verb,
          detail: `run ${approval.runId}: already ${now.status}`,
          outcome: 'refused',
          runId: approval.runId,
        });
        return alreadyDecided(now);
      }
    }
    await audit(deps, ctx, {
      action: verb,
      detail: `run ${approval.runId} (${as}): ${(err as Error).message}`,
      outcome: 'failed',
      runId: approval.runId,
    });
    return devopsFailureReply(err, `${verb} run ${approval.runId}`);
  }
  await audit(deps, ctx, {
    action: verb,
    detail: `run ${approval.runId} (${as})${input.comment ? `: ${input.comment}` : ''}`,
    outcome: 'ok',
    runId: approval.runId,
  });
  await rememberRunDecision(deps.store, decided);
  return approvalReply(decided, deps, record);
}

/**
 * Whether the actor asked for the run, from who Azure DevOps says requested it and the bot's
 * record. Read fresh (not from a cache): it decides a safety rule.
 */
export async function requesterOf(
  runId: number,
  record: RunRecord | undefined,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<{ match: RequesterMatch } | { reply: Reply }> {
  try {
    // A run the bot queued: Azure DevOps names either the bot's identity or (queued as the
    // person) the same person as the record, so the record says it all, without a read.
    const run = record ? undefined : await deps.devops.getRun(runId);
    return { match: await runRequester(ctx.actor, run, record, deps) };
  } catch (err) {
    return { reply: devopsFailureReply(err, `read who asked for run ${runId}`) };
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
  const env = approval.environment
    ? deps.catalog.environments.find((e) => e.key === approval.environment)
    : environmentOf(deps, approval.pipelineKey);
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

async function findApproval(
  target: ApprovalTarget,
  deps: CommandDeps,
): Promise<{ approval: ApprovalSummary } | { reply: Reply }> {
  try {
    if (target.approvalId) {
      const a = await deps.devops.getApproval(target.approvalId);
      if (!a)
        return {
          reply: messageReply(
            'attention',
            'No such approval',
            'That approval no longer exists in Azure DevOps.',
          ),
        };
      if (a.status !== 'pending') return { reply: alreadyDecided(a) };
      return { approval: a };
    }
    const pending = await deps.devops.pendingApprovals(
      target.runId !== undefined ? { runId: target.runId } : { environment: target.environment },
    );
    if (pending.length === 1) return { approval: pending[0]! };
    if (pending.length > 1) return { reply: whichOne(pending, deps) };
    return { reply: await nothingPending(target, deps) };
  } catch (err) {
    return { reply: devopsFailureReply(err, 'read the pending approvals') };
  }
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

async function nothingPending(target: ApprovalTarget, deps: CommandDeps): Promise<Reply> {
  if (target.runId !== undefined) {
    return messageReply(
      'default',
      'Nothing to approve',
      `Run ${target.runId} is not waiting for an approval.`,
    );
  }
  const env = deps.catalog.environments.find((e) => e.key === target.environment)!;
  const [latest] = await deps.devops.listRuns({ pipelineKey: env.pipeline, top: 1 });
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
    `Nothing is waiting for approval in ${env.displayName}.${latest ? '' : ' It has never been deployed.'}`,
    {
      facts,
      link: latest ? { title: 'Open the latest run', url: latest.url } : undefined,
    },
  );
}
