import type { RunRecord } from '../use-cases/run-record';
import type { RunSummary } from '../devops/devops-port';
import { postApprovalCard, updateApprovalCards } from '../publisher/approval-card-publisher';
import type { RunEventForFilter } from '../subscriptions/subscription';
import { approvalCardReply } from './approval-card-reply';
import { audienceFor } from './audience';
import { logDeliveries, type EventProcessorDeps } from './notification-deps';
import { rememberRunDecision } from '../use-cases/run-decision';

/**
 * An approval a run event names. Pending: its card in every chat that wants approvals (once per
 * chat). Decided: every posted card of it updated to say who decided.
 * @example await showApproval(deps, { id: approval.id, pending: true }, run, filterEvent, record);
 */
export async function showApproval(
  deps: EventProcessorDeps,
  ref: { id: string; pending: boolean },
  run: RunSummary,
  filterEvent: RunEventForFilter,
  record: RunRecord | undefined,
): Promise<void> {
  const { devops, store, clock, catalog, publisher, logger } = deps;
  const approval = await devops.getApproval(ref.id);
  if (!approval) return;
  await rememberRunDecision(store, approval);
  const pending = approval.status === 'pending';
  const approverUserIds =
    pending && deps.approverChatIds ? await deps.approverChatIds(approval) : [];
  const reply = approvalCardReply(approval, {
    catalog,
    now: clock.now(),
    record,
    run,
    environmentKey: filterEvent.environment,
    view: deps.sharedApprovalView ?? 'viewer',
    approverUserIds,
  });
  if (pending) {
    const targets = await audienceFor(store, catalog, {
      ...filterEvent,
      kind: 'waitingForApproval',
    });
    const outcomes = await Promise.allSettled(
      targets.map((conversationId) =>
        postApprovalCard(publisher, conversationId, approval.id, reply),
      ),
    );
    logDeliveries(logger, outcomes, targets, { runId: run.id, what: 'approval card' });
  } else {
    const { chats, outcomes } = await updateApprovalCards(
      publisher,
      approval.id,
      approval.status,
      reply,
    );
    logDeliveries(logger, outcomes, chats, { runId: run.id, what: 'approval card update' });
  }
}
