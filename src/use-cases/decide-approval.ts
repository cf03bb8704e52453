import type { Decision, RefusalWhy } from '../auth/authorizer';
import { catalogIndex } from '../catalog/catalog-index';
import type { EnvironmentSpec } from '../catalog/catalog-schema';
import { DevOpsError, type ApprovalSummary, type RunSummary } from '../devops/devops-port';
import { rememberRunDecision } from './run-decision';
import { audit } from './audit';
import type { DevOpsFailure } from './devops-failure';
import { getRunRecord, type RunRecord } from './run-record';
import { runRequester, type RequesterMatch } from './run-requester';
import type { UseCaseContext, UseCaseDeps } from './use-case-deps';
import { approvalEnvironment } from './approval-environment';

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

export type { DevOpsFailure };

/** Why no single pending approval was found for what the person named. */
export type ApprovalNotFound =
  | { code: 'refused:no-such-approval' }
  | { code: 'refused:already-decided'; approval: ApprovalSummary }
  | { code: 'refused:which-one'; pending: ApprovalSummary[] }
  | { code: 'refused:nothing-pending'; runId: number }
  | { code: 'refused:nothing-pending'; environment: EnvironmentSpec; latest?: RunSummary };

/**
 * What an approval decision came to: `decided` (Azure DevOps' answer and the run's record),
 * a refusal (`refused:not-approver`, `refused:self-approval`, …) or an Azure DevOps failure.
 */
export type DecideApprovalOutcome =
  | ApprovalNotFound
  | DevOpsFailure
  | {
      code: `refused:${RefusalWhy}`;
      decision: Extract<Decision, { allowed: false }>;
      runId: number;
    }
  | { code: 'decided'; approval: ApprovalSummary; record?: RunRecord };

/**
 * Approve or reject, from a command or a card button: find the one pending approval meant,
 * check the person may decide it, record their name and comment in Azure DevOps. Every
 * decision and refusal is audited with its outcome code.
 *
 * @example
 * const outcome = await decideApproval({ target: { environment: 'prod' }, decision: 'approved', comment: '' }, ctx, deps);
 * outcome.code // 'decided' | 'refused:self-approval' | …
 */
export async function decideApproval(
  input: ApprovalDecision,
  ctx: UseCaseContext,
  deps: UseCaseDeps,
): Promise<DecideApprovalOutcome> {
  const verb = input.decision === 'approved' ? 'approve' : 'reject';
  const found = await findApproval(input.target, deps);
  if ('code' in found) return found;
  const approval = found.approval;
  const envKey = approvalEnvironment(deps.catalog, approval)?.key;
  const record = await getRunRecord(deps.store, approval.runId);
  const requester = await requesterOf(approval.runId, record, ctx, deps);
  if ('code' in requester) return requester;
  const decision = deps.authorizer.check(
    ctx.actor,
    { kind: 'approve', environment: envKey ?? '', requester: requester.match },
    { channelId: ctx.conversation.channelId },
  );
  if (!decision.allowed) {
    const code = `refused:${decision.why ?? 'not-allowed'}` as const;
    await audit(deps, ctx, {
      action: verb,
      detail: `run ${approval.runId}: ${decision.reason}`,
      outcome: code,
      runId: approval.runId,
    });
    return { code, decision, runId: approval.runId };
  }
  // With a sign-in connection the person decides with their own Azure DevOps identity (Azure
  // DevOps enforces its approver list and records them); a missing sign-in stops here, before any
  // change, and never falls back to the bot's identity.
  const actAs = ctx.actAsPerson ? await ctx.actAsPerson() : undefined;
  const verbed = input.decision === 'approved' ? 'Approved' : 'Rejected';
  const by = actAs ? '' : ` by ${ctx.actor.name}`;
  const via = ctx.platform === 'slack' ? 'Slack' : 'Teams';
  const comment = `${verbed}${by} via ${via}${input.comment ? `: ${input.comment}` : ''}`;
  const as = actAs ? 'as the person' : 'as the bot identity';
  let decided: ApprovalSummary;
  try {
    decided = await deps.devops.decideApproval(approval.id, input.decision, comment, actAs);
  } catch (err) {
    if (!(err instanceof DevOpsError)) throw err;
    if (err.code === 'conflict') {
      const now = await deps.devops.getApproval(approval.id).catch(() => null);
      if (now && now.status !== 'pending') {
        await audit(deps, ctx, {
          action: verb,
          detail: `run ${approval.runId}: already ${now.status}`,
          outcome: 'refused:already-decided',
          runId: approval.runId,
        });
        return { code: 'refused:already-decided', approval: now };
      }
    }
    await audit(deps, ctx, {
      action: verb,
      detail: `run ${approval.runId} (${as}): ${err.message}`,
      outcome: `failed:${err.code}`,
      runId: approval.runId,
    });
    return { code: 'failed', error: err, doing: `${verb} run ${approval.runId}` };
  }
  await audit(deps, ctx, {
    action: verb,
    detail: `run ${approval.runId} (${as})${input.comment ? `: ${input.comment}` : ''}`,
    outcome: 'ok',
    runId: approval.runId,
  });
  await rememberRunDecision(deps.store, decided);
  return { code: 'decided', approval: decided, record };
}

/**
 * Whether the actor asked for the run, from who Azure DevOps says requested it and the bot's
 * record. Read fresh (not from a cache): it decides a safety rule.
 * @example const r = await requesterOf(5, record, ctx, deps); if ('match' in r) r.match // 'self'
 */
export async function requesterOf(
  runId: number,
  record: RunRecord | undefined,
  ctx: UseCaseContext,
  deps: UseCaseDeps,
): Promise<{ match: RequesterMatch } | DevOpsFailure> {
  try {
    // A run the bot queued: Azure DevOps names either the bot's identity or (queued as the
    // person) the same person as the record, so the record says it all, without a read.
    const run = record ? undefined : await deps.devops.getRun(runId);
    return { match: await runRequester(ctx.actor, run, record, deps) };
  } catch (err) {
    if (!(err instanceof DevOpsError)) throw err;
    return { code: 'failed', error: err, doing: `read who asked for run ${runId}` };
  }
}

async function findApproval(
  target: ApprovalTarget,
  deps: UseCaseDeps,
): Promise<{ approval: ApprovalSummary } | ApprovalNotFound | DevOpsFailure> {
  try {
    if (target.approvalId) {
      const a = await deps.devops.getApproval(target.approvalId);
      if (!a) return { code: 'refused:no-such-approval' };
      if (a.status !== 'pending') return { code: 'refused:already-decided', approval: a };
      return { approval: a };
    }
    const pending = await deps.devops.pendingApprovals(
      target.runId !== undefined ? { runId: target.runId } : { environment: target.environment },
    );
    if (pending.length === 1) return { approval: pending[0]! };
    if (pending.length > 1) return { code: 'refused:which-one', pending };
    if (target.runId !== undefined) return { code: 'refused:nothing-pending', runId: target.runId };
    const environment = catalogIndex(deps.catalog).requireEnvironment(target.environment ?? '');
    const [latest] = await deps.devops.listRuns({ pipelineKey: environment.pipeline, top: 1 });
    return { code: 'refused:nothing-pending', environment, latest };
  } catch (err) {
    if (!(err instanceof DevOpsError)) throw err;
    return { code: 'failed', error: err, doing: 'read the pending approvals' };
  }
}
