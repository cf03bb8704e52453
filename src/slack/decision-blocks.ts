import type { ApprovalCardData, ConfirmCardData } from '../cards/card-data';
import { CARD_VERBS } from '../cards/card-verbs';
import type { SlackMessage } from './slack-channel';
import {
  actions,
  blocks,
  button,
  context,
  esc,
  factSections,
  header,
  linkButton,
  section,
} from './block-kit';

/**
 * An approval prompt: what approving changes (a downgrade said loudly), who may decide, and
 * Approve / Reject for the approver view (a click from anyone else is refused by the core, in an
 * ephemeral answer: Slack has no per-person view of one message).
 * @example approvalBlocks(approvalCardData(approval, { view: 'approver', … }))
 */
export function approvalBlocks(d: ApprovalCardData): SlackMessage {
  const title = `${d.icon} ${d.statusText}`;
  return {
    text: `${title}: ${d.pipelineName} · ${d.stageName} · run ${d.runName}`,
    blocks: blocks(
      header(title),
      section(`*${esc(d.pipelineName)}* · ${esc(d.stageName)} · run ${esc(d.runName)}`),
      d.change !== '' && section(d.isDowngrade ? `:warning: *${esc(d.change)}*` : esc(d.change)),
      factSections([
        { title: 'Environment', value: d.environment },
        { title: 'Model', value: d.modelVersion },
        { title: 'Branch', value: d.branch },
        { title: 'Requested by', value: d.requestedBy },
        { title: 'Waiting', value: d.isDecided ? '' : d.waiting },
        { title: 'Approvers', value: d.approvers },
        { title: 'Decided by', value: d.isDecided ? d.decidedBy : '' },
        { title: 'Decided at', value: d.isDecided ? d.decidedAt : '' },
      ]),
      d.hasInstructions && section(`*Instructions*\n${esc(d.instructions)}`),
      d.hasComment && section(`> ${esc(d.comment)}`),
      actions(
        d.isApprover && button('Approve', CARD_VERBS.approve, d.approveData, 'primary'),
        d.isApprover && button('Reject', CARD_VERBS.reject, d.rejectData, 'danger'),
        d.runUrl !== '' && linkButton('Open in Azure DevOps', d.runUrl, 'link.run'),
      ),
      d.isViewer && context(`Only ${esc(d.approvers || 'the approvers')} can approve.`),
    ),
  };
}

/**
 * A prod deploy asking before it runs: Confirm / Cancel while pending for the requester, the
 * outcome after.
 * @example confirmBlocks(confirmCardData({ …, state: 'pending', view: 'requester' }))
 */
export function confirmBlocks(d: ConfirmCardData): SlackMessage {
  const title = `${d.icon} ${d.title}`;
  return {
    text: `${title}: ${d.statusText}. ${d.summary}`,
    blocks: blocks(
      header(title),
      section(`*${esc(d.statusText)}*\n${esc(d.summary)}`),
      d.change !== '' && section(d.isDowngrade ? `:warning: *${esc(d.change)}*` : esc(d.change)),
      factSections([
        ...d.facts,
        { title: 'Stages', value: d.stagesText },
        { title: 'Requested by', value: d.requestedBy },
      ]),
      actions(
        d.showButtons && button('Confirm', CARD_VERBS.confirm, d.confirmData, 'primary'),
        d.showButtons && button('Cancel', CARD_VERBS.decline, d.declineData),
      ),
      context(d.isPending ? esc(d.expiresText) : esc(d.decidedText)),
    ),
  };
}
