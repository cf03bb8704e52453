import { z } from 'zod';
import { CARD_VERBS, type CardVerb } from '../cards/card-verbs';
import { getConfirmation } from '../confirmations/get-confirmation';
import type { PendingConfirmation } from '../confirmations/pending-confirmation';
import { settleConfirmation } from '../use-cases/settle-confirmation';
import type { CommandContext, CommandDeps } from '../commands/command-spec';
import { confirmReply, type DeployConfirmation } from '../commands/confirm-reply';
import { approvalReply, decideApproval, requesterOf } from '../commands/decide-approval';
import { cancelReply } from '../commands/cancel-reply';
import { retryReply, startRetry } from '../commands/retry-reply';
import { cancelRun } from '../use-cases/cancel-run';
import { retryRun } from '../use-cases/retry-run';
import type { Reply } from '../commands/reply';
import { getRunRecord } from '../use-cases/run-record';
import { checkRunAllowed, queueRun, runsAsPerson } from '../commands/run-plan';
import { runStatusReply } from '../commands/run-status-reply';
import type { SignedIds } from './card-signer';
import { approvalEnvironment } from '../use-cases/approval-environment';

/** What a click produces. */
export type CardActionResult =
  | {
      ok: true;
      /** Replaces the clicked card (invoke response). */
      card: Reply;
      /** Also update the message for everyone (not for a user-specific refresh). */
      updateForEveryone: boolean;
      /** A new message to post, e.g. the run card after Confirm. */
      followUp?: Reply;
    }
  | { ok: false; status: 400 | 403 | 404; message: string };

/**
 * One Action.Execute verb: the shape of its data, the ids its token signs, and what it does.
 * @example { verb: 'run.cancel', data: z.object({ runId }), ids: (d) => ({ runId: d.runId }), run }
 */
export interface CardActionSpec<D> {
  verb: CardVerb;
  data: z.ZodType<D>;
  ids(data: D): SignedIds;
  run(data: D, ctx: CommandContext, deps: CommandDeps): Promise<CardActionResult>;
  /** What the click was doing, for the one Azure DevOps failure answer (`runCardAction`). */
  doing?(data: D): string;
}

const runId = z.number().int().positive().max(2_000_000_000);
const approvalId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9-]+$/);
const comment = z.string().max(500).optional();
const approvalData = z.object({ approvalId, runId, comment });
const runData = z.object({ runId });
const confirmData = z.object({
  confirmationId: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
});
const refreshData = z.union([z.object({ approvalId, runId }), confirmData]);

const ok = (card: Reply, updateForEveryone: boolean, followUp?: Reply): CardActionResult => ({
  ok: true,
  card,
  updateForEveryone,
  followUp,
});

function decide(
  verb: CardVerb,
  decision: 'approved' | 'rejected',
): CardActionSpec<z.infer<typeof approvalData>> {
  return {
    verb,
    data: approvalData,
    ids: (d) => ({ approvalId: d.approvalId, runId: d.runId }),
    async run(d, ctx, deps) {
      const reply = await decideApproval(
        {
          target: { approvalId: d.approvalId },
          decision,
          comment: (d.comment ?? '').replace(/[<>]/g, '').trim(),
        },
        ctx,
        deps,
      );
      // A decided approval card goes to everyone; a refusal only answers the person who clicked.
      return ok(reply, reply.card === 'approval');
    },
  };
}

async function refreshApproval(
  d: { approvalId: string; runId: number },
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<CardActionResult> {
  const approval = await deps.devops.getApproval(d.approvalId);
  if (!approval) return { ok: false, status: 404, message: 'That approval no longer exists.' };
  const env = approvalEnvironment(deps.catalog, approval)?.key ?? '';
  const record = await getRunRecord(deps.store, approval.runId);
  const requester = await requesterOf(approval.runId, record, ctx, deps);
  const mayApprove =
    'match' in requester &&
    deps.authorizer.check(
      ctx.actor,
      { kind: 'approve', environment: env, requester: requester.match },
      { channelId: ctx.conversation.channelId },
    ).allowed;
  return ok(approvalReply(approval, deps, record, mayApprove ? 'approver' : 'viewer'), false);
}

async function refreshConfirm(
  id: string,
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<CardActionResult> {
  const confirmation = await getConfirmation<DeployConfirmation>(deps.store, deps.clock, id);
  if (!confirmation)
    return { ok: false, status: 404, message: 'That confirmation no longer exists.' };
  const mine = confirmation.requestedBy.id === ctx.actor.id;
  return ok(confirmReply(confirmation, deps, mine ? 'requester' : 'viewer'), false);
}

/** Every card verb and its handler; the contract test checks every template verb is here. */
export const CARD_ACTIONS: readonly CardActionSpec<never>[] = [
  decide(CARD_VERBS.approve, 'approved'),
  decide(CARD_VERBS.reject, 'rejected'),
  {
    verb: CARD_VERBS.cancelRun,
    data: runData,
    ids: (d) => ({ runId: d.runId }),
    run: async (d, ctx, deps) =>
      ok(await cancelReply(d.runId, await cancelRun(d.runId, ctx, deps), deps), true),
    doing: (d) => `cancel run ${d.runId}`,
  } satisfies CardActionSpec<z.infer<typeof runData>>,
  {
    verb: CARD_VERBS.retryRun,
    data: runData,
    ids: (d) => ({ runId: d.runId }),
    async run(d, ctx, deps) {
      const outcome = await retryRun(d.runId, ctx, deps, startRetry(d.runId, ctx, deps));
      const next = retryReply(d.runId, outcome);
      // The retry gets a card of its own; once there is one, the failed run's card says
      // "retried as #N" without its Retry button, for everyone (a used button does not stay).
      const retried = outcome.code === 'started' || outcome.code === 'already-retried';
      return ok(await runStatusReply(d.runId, deps), retried, next);
    },
    doing: (d) => `retry run ${d.runId}`,
  } satisfies CardActionSpec<z.infer<typeof runData>>,
  {
    verb: CARD_VERBS.confirm,
    data: confirmData,
    ids: (d) => ({ confirmationId: d.confirmationId }),
    run: (d, ctx, deps) => settle(d.confirmationId, 'confirm', ctx, deps),
  } satisfies CardActionSpec<z.infer<typeof confirmData>>,
  {
    verb: CARD_VERBS.decline,
    data: confirmData,
    ids: (d) => ({ confirmationId: d.confirmationId }),
    run: (d, ctx, deps) => settle(d.confirmationId, 'cancel', ctx, deps),
  } satisfies CardActionSpec<z.infer<typeof confirmData>>,
  {
    verb: CARD_VERBS.refresh,
    data: refreshData,
    ids: (d) =>
      'confirmationId' in d
        ? { confirmationId: d.confirmationId }
        : { approvalId: d.approvalId, runId: d.runId },
    run: (d, ctx, deps) =>
      'confirmationId' in d
        ? refreshConfirm(d.confirmationId, ctx, deps)
        : refreshApproval(d, ctx, deps),
  } satisfies CardActionSpec<z.infer<typeof refreshData>>,
] as unknown as readonly CardActionSpec<never>[];

/** Confirm/Cancel on a confirm card: the use-case decides; a confirmed plan is checked again, then queued. */
async function settle(
  id: string,
  decision: 'confirm' | 'cancel',
  ctx: CommandContext,
  deps: CommandDeps,
): Promise<CardActionResult> {
  // Sign in (or fail to) before the confirmation is used up.
  const signIn = async (pending: PendingConfirmation<DeployConfirmation>) => {
    if (runsAsPerson(pending.payload.plan, ctx, deps)) await ctx.actAsPerson?.();
  };
  const r = await settleConfirmation(id, decision, ctx, deps, signIn);
  switch (r.code) {
    case 'refused:no-such-confirmation':
      return { ok: false, status: 404, message: 'That confirmation no longer exists.' };
    case 'refused:wrong-conversation':
      return {
        ok: false,
        status: 403,
        message: 'That confirmation belongs to another conversation.',
      };
    case 'refused:not-yours':
      return {
        ok: false,
        status: 403,
        message: `Only ${r.confirmation.requestedBy.name}, who asked for this deploy, can ${decision} it.`,
      };
    case 'confirmed': {
      const plan = r.confirmation.payload.plan;
      // Things may have changed since the question was asked (a lock, a role).
      const refused = await checkRunAllowed(plan, ctx, deps);
      // Said once, where the question was: the card becomes the refusal, not "Confirmed" and
      // then a second message saying it did not happen.
      if (refused) return ok(refused, true);
      return ok(
        { ...confirmReply(r.confirmation, deps, 'viewer'), outcome: 'ok' },
        true,
        await queueRun(plan, ctx, deps),
      );
    }
    default:
      return ok(
        {
          ...confirmReply(r.confirmation, deps, 'viewer'),
          outcome: r.code === 'cancelled' ? 'ok' : r.code,
        },
        true,
      );
  }
}
