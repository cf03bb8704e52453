import type { NotificationCardData, RunStatusCardData } from '../cards/card-data';
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
  link,
  lineSections,
  linkButton,
  section,
} from './block-kit';

/** Log lines shown on a failed run: the tail Teams shows, at most this many sections. */
const LOG_SECTIONS = 3;

/**
 * The live run message (updated in place through its stages): state, facts, stages, the log
 * tail of a failure, and the buttons the run allows (approve/reject, cancel, retry, open).
 * @example runStatusBlocks(runCardData(run, { now })).text // '🔄 [Manual]-[Custom-QA]-Deploy: Running · run #…'
 */
export function runStatusBlocks(d: RunStatusCardData): SlackMessage {
  const title = `${d.icon} ${d.pipelineName}`;
  const summary = `${d.stateText} · run #${d.runId} · ${d.runName}`;
  const stageLines = d.stages.map(
    (s) =>
      `${s.icon} ${esc(s.name)} · _${esc(s.stateText)}_${s.duration ? ` · ${esc(s.duration)}` : ''}`,
  );
  return {
    text: `${title}: ${summary}`,
    blocks: blocks(
      header(title),
      section(`*${esc(summary)}*${d.elapsed ? `  ⏱ ${esc(d.elapsed)}` : ''}`),
      d.live !== '' && context(`Live in ${esc(d.environment)} now: ${esc(d.live)}`),
      factSections([
        { title: 'Environment', value: d.environment },
        { title: 'Model', value: d.modelVersion },
        { title: 'Branch', value: d.branch },
        { title: 'Requested by', value: d.requestedBy },
        { title: 'Started', value: d.startedAt },
        { title: 'Result', value: d.result ? `${d.icon} ${d.result}` : '' },
      ]),
      d.hasStages && section(`*Stages*\n${stageLines.join('\n')}`),
      d.showLog && section(`*${esc(d.logTitle)}*`),
      d.showLog && lineSections(['```', ...d.logLines.map(esc), '```'], LOG_SECTIONS),
      actions(
        d.canApprove &&
          d.approveData &&
          button('Approve', CARD_VERBS.approve, d.approveData, 'primary'),
        d.canApprove && d.rejectData && button('Reject', CARD_VERBS.reject, d.rejectData, 'danger'),
        d.canCancel && button('Cancel run', CARD_VERBS.cancelRun, d.cancelData, 'danger'),
        d.canRetry && button('Retry', CARD_VERBS.retryRun, d.retryData),
        d.runUrl !== '' && linkButton('Open in Azure DevOps', d.runUrl, 'link.run'),
      ),
    ),
  };
}

/**
 * What a subscribed channel hears about a pipeline event.
 * @example notificationBlocks(data).text // '❌ Run failed: Deploy Production failed in task …'
 */
export function notificationBlocks(d: NotificationCardData): SlackMessage {
  return {
    text: `${d.icon} ${d.title}: ${d.summary}`,
    blocks: blocks(
      header(`${d.icon} ${d.title}`),
      section(esc(d.summary)),
      context(
        [d.pipelineName, d.runName].filter(Boolean).map(esc).join(' · '),
        d.timestamp && esc(d.timestamp),
      ),
      d.hasFacts && factSections(d.facts),
      d.hasLink && d.runUrl !== '' && section(link(d.runUrl, d.linkTitle || 'Open run')),
    ),
  };
}
