import { CatalogAuthorizer } from '../auth/authorizer';
import { getConversation } from '../conversations/get-conversation';
import type { ApprovalSummary } from '../devops/devops-port';
import type { RunEventForFilter } from '../subscriptions/subscription';
import type { RunRecord } from '../use-cases/run-record';
import { audienceFor } from './audience';
import { storedPersonalChats } from './find-personal-conversation';
import type { EventProcessorDeps } from './notification-deps';
import { approvalEnvironment } from '../use-cases/approval-environment';

/** A chat a pending approval's card goes to, and whose view it gets there. */
export interface ApprovalTarget {
  conversationId: string;
  view: 'approver' | 'viewer';
}

/**
 * Where a pending approval's card goes (each chat once) and with which view:
 * - the chats that want approvals (`audienceFor`), with the shared view;
 * - the chat the run was asked in: a channel gets the shared view; the requester's personal chat
 *   gets the buttons only if they may decide it (an approver, and self-approval allowed there),
 *   else the viewer view that says by whom it waits;
 * - when no team chat (channel, group chat) is in that audience, i.e. before a notifications
 *   channel exists and no subscription wants it, each approver's personal chat with the buttons
 *   (stored, else opened from the requester's chat), except the requester's own.
 *
 * Everyone approves (`sharedApprovalView: 'approver'`, local mode): `approverChatIds` is everyone
 * the bot has seen, so only people who already have a personal chat with the bot get one; none is
 * opened. Approver chats that cannot be opened are left out (logged).
 * @example const targets = await approvalTargets(deps, approval, record, filterEvent, approverIds);
 */
export async function approvalTargets(
  deps: EventProcessorDeps,
  approval: ApprovalSummary,
  record: RunRecord | undefined,
  filterEvent: RunEventForFilter,
  approverUserIds: readonly string[],
): Promise<ApprovalTarget[]> {
  const { store, catalog } = deps;
  const shared = deps.sharedApprovalView ?? 'viewer';
  const everyoneApproves = shared === 'approver';
  const audience = await audienceFor(store, catalog, {
    ...filterEvent,
    kind: 'waitingForApproval',
  });
  const views = new Map<string, ApprovalTarget['view']>(audience.map((id) => [id, shared]));

  const asked = record && (await getConversation(store, record.conversationId));
  if (record && !views.has(record.conversationId)) {
    const personal = asked?.conversationType === 'personal';
    const mayDecide = everyoneApproves || requesterMayDecide(deps, approval, record, filterEvent);
    views.set(record.conversationId, personal ? (mayDecide ? 'approver' : 'viewer') : shared);
  }

  const types = await Promise.all(audience.map((id) => getConversation(store, id)));
  if (
    !types.some((c) => c?.conversationType === 'channel' || c?.conversationType === 'groupChat')
  ) {
    const requester = record?.requestedBy.teamsId;
    const people = approverUserIds.filter((id) => id !== requester);
    const stored = await storedPersonalChats(store, people);
    // Opened through the requester's chat (its tenant and service), on its platform only:
    // approvers' ids are Teams ids.
    const from =
      !everyoneApproves && asked && asked.platform !== 'slack' ? asked.conversationId : undefined;
    const chats = await Promise.all(
      people.map(async (userId) => {
        const known = stored.get(userId);
        if (known || from === undefined) return known;
        // Not stored (read above for everyone at once): open one.
        return deps.publisher.openPersonalChat(userId, from).catch((err: unknown) => {
          deps.logger.warn(
            { err, runId: approval.runId, userId },
            'could not open a personal chat with an approver',
          );
          return undefined;
        });
      }),
    );
    for (const id of chats) if (id && !views.has(id)) views.set(id, 'approver');
  }
  return [...views].map(([conversationId, view]) => ({ conversationId, view }));
}

/**
 * Whether whoever asked for the run may decide its approval: the one Authorizer's answer for
 * them as the requester (approver of that environment, and not refused by `noSelfApproval`).
 */
function requesterMayDecide(
  deps: EventProcessorDeps,
  approval: ApprovalSummary,
  record: RunRecord,
  filterEvent: RunEventForFilter,
): boolean {
  const environment = approvalEnvironment(deps.catalog, approval, filterEvent.environment)?.key;
  if (!environment) return false;
  const { id, name, teamsId, upn, aadObjectId } = record.requestedBy;
  const actor = {
    id,
    name,
    teamsId,
    ...(upn !== undefined && { upn }),
    ...(aadObjectId !== undefined && { aadObjectId }),
  };
  return new CatalogAuthorizer(deps.catalog, { localMode: false }).check(actor, {
    kind: 'approve',
    environment,
    requester: 'self',
  }).allowed;
}
