import { decideConfirmation } from '../confirmations/decide-confirmation';
import { getConfirmation } from '../confirmations/get-confirmation';
import type { PendingConfirmation } from '../confirmations/pending-confirmation';
import { audit } from './audit';
import type { UseCaseContext, UseCaseDeps } from './use-case-deps';

/**
 * What a Confirm/Cancel click came to. `confirmed`: the caller now does what was asked (checks
 * again, then queues); `cancelled`, `refused:expired`, `refused:already-decided`: the question
 * is over; `refused:not-yours`: only the requester (or an admin cancelling) may decide.
 */
export type SettleOutcome<P> =
  | { code: 'refused:no-such-confirmation' }
  | { code: 'refused:wrong-conversation' }
  | { code: 'refused:not-yours'; confirmation: PendingConfirmation<P> }
  | {
      code: 'refused:expired' | 'refused:already-decided' | 'cancelled' | 'confirmed';
      confirmation: PendingConfirmation<P>;
    };

const CODES = {
  expired: 'refused:expired',
  alreadyDecided: 'refused:already-decided',
  cancelled: 'cancelled',
  confirmed: 'confirmed',
} as const;

/**
 * Confirm or cancel a pending confirmation, once, by the person who asked (an admin may
 * cancel anyone's, unless everyone is everything in local mode). `beforeConfirm` runs before
 * a confirmation is used up, e.g. a sign-in that may stop the turn: the click is then made
 * again and must still find it pending. Refusals and endings are audited with their code.
 *
 * @example
 * const o = await settleConfirmation<DeployConfirmation>(id, 'confirm', ctx, deps);
 * if (o.code === 'confirmed') queue(o.confirmation.payload.plan);
 */
export async function settleConfirmation<P>(
  id: string,
  decision: 'confirm' | 'cancel',
  ctx: UseCaseContext,
  deps: UseCaseDeps,
  beforeConfirm?: (pending: PendingConfirmation<P>) => Promise<void>,
): Promise<SettleOutcome<P>> {
  if (decision === 'confirm' && beforeConfirm) {
    const pending = await getConfirmation<P>(deps.store, deps.clock, id);
    if (pending && pending.requestedBy.id === ctx.actor.id) await beforeConfirm(pending);
  }
  const canOverride =
    decision === 'cancel' &&
    deps.authorizer.check(ctx.actor, { kind: 'admin' }).allowed &&
    !deps.authorizer.everyoneIsEverything;
  const r = await decideConfirmation<P>(deps.store, deps.clock, {
    id,
    actor: ctx.actor,
    decision,
    conversationId: ctx.conversation.id,
    canOverride,
  });
  const action = `card:${decision}`;
  switch (r.outcome) {
    case 'notFound':
      return { code: 'refused:no-such-confirmation' };
    case 'wrongConversation':
      return { code: 'refused:wrong-conversation' };
    case 'notYours':
      await audit(deps, ctx, {
        action,
        detail: `confirmation of ${r.confirmation.requestedBy.name}`,
        outcome: 'refused:not-yours',
      });
      return { code: 'refused:not-yours', confirmation: r.confirmation };
    case 'confirmed':
      return { code: 'confirmed', confirmation: r.confirmation };
    default: {
      const code = CODES[r.outcome];
      await audit(deps, ctx, {
        action,
        detail: `confirmation ${r.outcome}`,
        outcome: code === 'cancelled' ? 'ok' : code,
      });
      return { code, confirmation: r.confirmation };
    }
  }
}
