import type { RunRecord } from '../use-cases/run-record';
import type { ApprovalSummary, RunSummary } from '../devops/devops-port';
import { postApprovalCard, updateApprovalCards } from '../publisher/approval-card-publisher';
import type { RunEventForFilter } from '../subscriptions/subscription';
import { approvalCardReply } from '../commands/approval-card-reply';
import { approvalTargets } from './approval-targets';
import { logDeliveries, type EventProcessorDeps } from './notification-deps';
import { rememberRunDecision } from '../use-cases/run-decision';

/**
 * An approval a run event names. Pending: its card, once per chat, in every chat that must see
 * it (`approvalTargets`: the chats that want approvals, the requester's chat, and the approvers'
 * personal chats while no channel hears it), each with the view its people may use. Decided:
 * every posted card of it updated to say who decided.
 * @example await showApproval(deps, { id: approval.id, pending: true }, run, filterEvent, record);
 */
export async function showApproval(
  deps: EventProcessorDeps,
  ref: { id: string; pending: boolean },
  run: RunSummary,
  filterEvent: RunEventForFilter,
  record: RunRecord | undefined,
  /** The approval as this event group already read and remembered it (a decided one). */
  read?: ApprovalSummary,
): Promise<void> {
  const { devops, store, clock, catalog, publisher, logger } = deps;
  const approval = read ?? (await devops.getApproval(ref.id));
  if (!approval) return;
  if (!read) await rememberRunDecision(store, approval);
  const pending = approval.status === 'pending';
  const approverUserIds =
    pending && deps.approverChatIds ? await deps.approverChatIds(approval) : [];
  const replyAs = (view: 'approver' | 'viewer') =>
    approvalCardReply(approval, {
      catalog,
      now: clock.now(),
      record,
      run,
      environmentKey: filterEvent.environment,
      view,
      approverUserIds,
    });
  if (pending) {
    const targets = await approvalTargets(deps, approval, record, filterEvent, approverUserIds);
    const replies = { approver: replyAs('approver'), viewer: replyAs('viewer') };
    const chats = targets.map((t) => t.conversationId);
    const outcomes = await Promise.allSettled(
      targets.map((t) =>
        postApprovalCard(publisher, t.conversationId, approval.id, replies[t.view]),
      ),
    );
    logDeliveries(logger, outcomes, chats, { runId: run.id, what: 'approval card' });
  } else {
    const { chats, outcomes } = await updateApprovalCards(
      publisher,
      approval.id,
      approval.status,
      replyAs('viewer'), // a decided approval has one view for everyone
    );
    logDeliveries(logger, outcomes, chats, { runId: run.id, what: 'approval card update' });
  }
}
