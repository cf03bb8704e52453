import type { CardSigner, SignedIds } from '../actions/card-signer';
import { CARD_VERBS } from '../cards/card-verbs';
import { runLabel } from '../cards/format';
import type { CommandContext, CommandDeps } from '../commands/command-spec';
import { requesterOf } from '../commands/decide-approval';
import type { CardClick } from '../core/turn';
import type { Logger } from '../logging/create-logger';
import { getRunRecord } from '../use-cases/run-record';
import { decisionModal } from './decision-modal';
import type { SlackChatChannel } from './slack-chat-channel';
import { approvalEnvironment } from '../use-cases/approval-environment';

/** What the prompt needs of the click: who, where, and the trigger id Slack gave it. */
export interface DecisionClick {
  click: CardClick;
  verb: string;
  value: string;
  triggerId: string;
  messageTs?: string;
  ctx: CommandContext;
}

/**
 * Asks for the comment or reason before an Approve / Reject click decides: when the click is
 * genuine (its token verifies), the approval still pending and the clicker allowed to decide it
 * (the same authorizer check the approve card action makes), opens the decision modal with the
 * click's trigger id and resolves 'opened'; the submission then decides. Otherwise resolves
 * 'decide': the click runs as it is, and the pipeline gives the refusal (not allowed, forged,
 * already decided) exactly as without a modal.
 * @example if ((await promptDecision(c, o)) === 'opened') return; // else run the click
 */
export async function promptDecision(
  c: DecisionClick,
  o: { deps: CommandDeps; signer: CardSigner; channel: SlackChatChannel; logger: Logger },
): Promise<'opened' | 'decide' | 'failed'> {
  const { deps } = o;
  const decision = c.verb === CARD_VERBS.approve ? 'approve' : 'reject';
  const data = c.click.data as { approvalId: string; runId: number };
  const ids = c.click.spec.ids(data as never) as SignedIds;
  if (!o.signer.verify(c.ctx.conversation.id, ids, c.click.token)) return 'decide';
  const approval = await deps.devops.getApproval(data.approvalId).catch(() => null);
  if (!approval || approval.status !== 'pending') return 'decide';
  const environment = approvalEnvironment(deps.catalog, approval)?.key ?? '';
  const record = await getRunRecord(deps.store, approval.runId);
  const requester = await requesterOf(approval.runId, record, c.ctx, deps);
  const allowed =
    'match' in requester &&
    deps.authorizer.check(
      c.ctx.actor,
      { kind: 'approve', environment, requester: requester.match },
      { channelId: c.ctx.conversation.channelId },
    ).allowed;
  if (!allowed) return 'decide';
  // The build number makes the run's one name; without it the id alone still names it.
  const run = await deps.devops.getRun(approval.runId).catch(() => null);
  const view = decisionModal({
    decision,
    environment: environment || approval.pipelineName,
    runName: runLabel(approval.runId, run?.name),
    ...(record?.model !== undefined && { model: record.model }),
    metadata: {
      verb: c.verb,
      value: c.value,
      channel: c.ctx.conversation.id,
      ...(c.messageTs !== undefined && { messageTs: c.messageTs }),
    },
  });
  try {
    await o.channel.openView(c.triggerId, view);
    return 'opened';
  } catch (err) {
    o.logger.warn({ err }, 'slack views.open failed');
    return 'failed';
  }
}
