import { maskSecrets } from '../text/mask-secrets';
import type { CardDataMap, CardId } from '../cards/card-data';
import type { Reply } from '../commands/reply';
import { cut } from './block-kit';
import { approvalBlocks, confirmBlocks } from './decision-blocks';
import {
  dashboardBlocks,
  helpBlocks,
  listBlocks,
  messageBlocks,
  usageErrorBlocks,
} from './info-blocks';
import { notificationBlocks, runStatusBlocks } from './run-blocks';
import type { SlackMessage } from './slack-channel';
import { blockKitProblems } from './slack-limits';

/** One renderer per card id: the same reply values the Adaptive Cards are rendered from. */
const RENDERERS: { [K in CardId]: (data: CardDataMap[K]) => SlackMessage } = {
  'run-status': runStatusBlocks,
  approval: approvalBlocks,
  confirm: confirmBlocks,
  dashboard: dashboardBlocks,
  help: helpBlocks,
  list: listBlocks,
  message: messageBlocks,
  'usage-error': usageErrorBlocks,
  notification: notificationBlocks,
};

/** Slack shows about 4000 characters of a message's text; the rest is the blocks' job. */
const FALLBACK_TEXT = 3000;

/** Keys whose strings are protocol, not prose: masking must not touch the signed data. */
const UNMASKED_KEYS = new Set(['type', 'action_id', 'value', 'style', 'block_id', 'url']);

/**
 * A reply as a Slack message: Block Kit blocks plus the text fallback notifications show, every
 * configured secret masked as on Teams. Should the blocks still break one of Slack's limits, the
 * text alone is sent rather than a message Slack would refuse (and so lose).
 * @example await slack.send(channel, renderBlocks(reply, config.secrets));
 */
export function renderBlocks(reply: Reply, secrets: readonly string[] = []): SlackMessage {
  const render = RENDERERS[reply.card] as (data: CardDataMap[CardId]) => SlackMessage;
  const message = mask(render(reply.data), secrets) as SlackMessage;
  const text = cut(message.text, FALLBACK_TEXT);
  if (message.blocks && blockKitProblems(message.blocks).length > 0) return { text };
  return { text, blocks: message.blocks };
}

function mask(value: unknown, secrets: readonly string[], key = ''): unknown {
  if (typeof value === 'string')
    return UNMASKED_KEYS.has(key) ? value : maskSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => mask(v, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, secrets, k)]));
  }
  return value;
}
