import type {
  DashboardCardData,
  HelpCardData,
  ListCardData,
  MessageCardData,
  UsageErrorCardData,
} from '../cards/card-data';
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
  section,
  SUGGESTION_ACTION,
} from './block-kit';

/** Rows of a list or the dashboard: a long list is cut, the message must stay under 50 blocks. */
const ROW_SECTIONS = 30;

/**
 * The `status` dashboard: what runs where, each pipeline's latest run, pending approvals,
 * locks and the DEV environment's age.
 * @example dashboardBlocks(dashboardCardData(…)).blocks?.[0] // header '📊 DigitRE status'
 */
export function dashboardBlocks(d: DashboardCardData): SlackMessage {
  const pipelines = d.pipelines.map(
    (p) =>
      `${p.icon} *${esc(p.key)}* ${link(p.hasUrl ? p.runUrl : '', p.runName || p.name)} · ${esc(p.result)}` +
      `${p.age ? ` · ${esc(p.age)}` : ''}${p.requestedBy ? ` · ${esc(p.requestedBy)}` : ''}`,
  );
  const approvals = d.approvals.map(
    (a) => `⏳ *${esc(a.title)}* · waiting ${esc(a.waiting)}\n${esc(a.detail)}`,
  );
  const locks = d.locks.map(
    (l) => `🔒 *${esc(l.environment)}*: ${esc(l.reason)} · by ${esc(l.lockedBy)}, ${esc(l.age)}`,
  );
  return {
    text: `📊 ${d.title} as of ${d.asOf}`,
    blocks: blocks(
      header(`📊 ${d.title}`),
      context(`As of ${esc(d.asOf)}`),
      d.hasLive && section('*What runs where*'),
      d.hasLive && factSections(d.live),
      section('*Pipelines*'),
      d.hasPipelines ? lineSections(pipelines, 8) : context('No pipelines in the catalog.'),
      section('*Pending approvals*'),
      d.hasApprovals ? lineSections(approvals, 4) : context('None waiting.'),
      section('*Locks*'),
      d.hasLocks ? lineSections(locks, 4) : context('No environment is locked.'),
      d.hasDev && section(`*DEV environment*\n${esc(d.devText)}`),
      d.hasDev && context(esc(d.devDetail)),
    ),
  };
}

/**
 * Every command with its usage and an example.
 * @example helpBlocks(helpCardData()).text // 'DigitRE ChatOps commands'
 */
export function helpBlocks(d: HelpCardData): SlackMessage {
  const lines = d.commands.map(
    (c) =>
      `\`${esc(c.usage)}\`\n${esc(c.summary)}${c.hasExample ? `\n_e.g._ \`${esc(c.example)}\`` : ''}`,
  );
  return {
    text: d.title,
    blocks: blocks(
      header(d.title),
      section(esc(d.intro)),
      lineSections(lines, ROW_SECTIONS),
      context(esc(d.footer)),
    ),
  };
}

/**
 * A titled table (runs, approvals, models, locks, subscriptions): Slack has no table block in
 * messages, so one line per row, cells joined by ·, under the column titles.
 * @example listBlocks(data).blocks?.[0] // header 'Registered models'
 */
export function listBlocks(d: ListCardData): SlackMessage {
  const rows = d.rows.map((r) => r.cells.map(esc).join(' · '));
  return {
    text: d.hasRows ? `${d.title} (${d.rows.length})` : `${d.title}: ${d.emptyText}`,
    blocks: blocks(
      header(d.title),
      context(esc(d.subtitle)),
      d.hasRows
        ? [
            section(`*${d.columns.map((c) => esc(c.title)).join(' · ')}*`),
            ...lineSections(rows, ROW_SECTIONS),
          ]
        : section(`_${esc(d.emptyText)}_`),
      context(esc(d.footer)),
    ),
  };
}

/**
 * Plain answers, refusals and errors.
 * @example messageBlocks(messageData('good', 'Locked', 'QA is locked for you')).text // '✅ Locked: QA is locked for you'
 */
export function messageBlocks(d: MessageCardData): SlackMessage {
  return {
    text: `${d.icon} ${d.title}: ${d.text}`,
    blocks: blocks(
      section(`${d.icon} *${esc(d.title)}*\n${esc(d.text)}`),
      d.hasFacts && factSections(d.facts),
      d.hasLink && d.linkUrl !== '' && section(link(d.linkUrl, d.linkTitle || 'Open')),
    ),
  };
}

/**
 * What was wrong with a command, how to write it, and did-you-mean buttons: a click sends the
 * suggested command as the person (the receiver turns it into a message turn).
 * @example usageErrorBlocks(data).blocks // …, actions: [button 'deploy custom-qa model v3']
 */
export function usageErrorBlocks(d: UsageErrorCardData): SlackMessage {
  return {
    text: `🤔 ${d.title}: ${d.problem}`,
    blocks: blocks(
      section(`🤔 *${esc(d.title)}*\n${esc(d.problem)}`),
      d.hasSuggestions &&
        section(`*Did you mean*\n${d.suggestions.map((s) => `• \`${esc(s)}\``).join('\n')}`),
      section(`*Usage*\n\`${esc(d.usage)}\``),
      d.hasExample && section(`*Example*\n\`${esc(d.example)}\``),
      actions(
        ...d.suggestedCommands.map((command, i) =>
          button(command, `${SUGGESTION_ACTION}:${i}`, command),
        ),
      ),
      context(esc(d.helpHint)),
    ),
  };
}
