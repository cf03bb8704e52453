import { SUGGESTION_ACTION } from './block-kit';
import { decisionSubmission, type DecisionViewBody } from './decision-modal';
import type { SlackConversation, SlackTurn } from './slack-turn';

// The fields read from each Slack payload (Bolt's SlashCommand, BlockAction and event types
// all fit): naming only these keeps the parsers pure and their tests free of SDK objects.

/** A slash command's form fields. */
export interface SlashCommandBody {
  text: string;
  trigger_id: string;
  user_id: string;
  user_name: string;
  channel_id: string;
  channel_name: string;
  response_url: string;
}

/** A `block_actions` payload (a button click). */
export interface BlockActionBody {
  trigger_id: string;
  user: { id: string; name?: string; username?: string };
  channel?: { id: string; name?: string };
  container?: Record<string, unknown>;
  message?: { ts: string };
  response_url?: string;
  actions: { action_id: string; value?: string }[];
}

/** An Events API envelope around an `app_mention` or a `message` event. */
export interface MessageEventBody {
  event_id: string;
  event: {
    type: string;
    user?: string;
    text?: string;
    channel: string;
    channel_type?: string;
    bot_id?: string;
  };
}

/**
 * A slash command as a message turn: `/digitre deploy custom-qa model v3` → `deploy custom-qa model v3`.
 * @example slashCommandTurn(command).text // 'deploy custom-qa model v3'
 */
export function slashCommandTurn(body: SlashCommandBody): SlackTurn {
  return {
    platform: 'slack',
    kind: 'message',
    deliveryId: body.trigger_id,
    actor: { slackUserId: body.user_id, name: body.user_name || body.user_id },
    conversation: conversationOf(body.channel_id, body.channel_name),
    text: body.text.trim(),
    responseUrl: body.response_url,
  };
}

/**
 * A button click as an action turn (the first action: Slack sends one per click), its action id
 * back to the card verb; a did-you-mean button is the person sending that command, a message turn.
 * @example blockActionTurn(payload) // { kind: 'action', actionId: 'approval.approve', value: '…' }
 */
export function blockActionTurn(body: BlockActionBody): SlackTurn | undefined {
  const action = body.actions[0];
  const channelId = body.channel?.id ?? stringField(body.container, 'channel_id');
  if (!action || !channelId) return undefined;
  const base = {
    platform: 'slack' as const,
    deliveryId: body.trigger_id,
    actor: {
      slackUserId: body.user.id,
      name: body.user.name ?? body.user.username ?? body.user.id,
    },
    conversation: conversationOf(channelId, body.channel?.name),
  };
  // Action ids are unique in a message: `command.send:0`, `command.send:1` are one verb.
  const verb = action.action_id.replace(/:\d+$/, '');
  if (verb === SUGGESTION_ACTION) {
    return { ...base, kind: 'message', text: (action.value ?? '').trim() };
  }
  return {
    ...base,
    kind: 'action',
    actionId: verb,
    value: action.value ?? '',
    messageTs: body.message?.ts ?? stringField(body.container, 'message_ts'),
    triggerId: body.trigger_id,
    ...(body.response_url && { responseUrl: body.response_url }),
  };
}

/** A `view_submission` payload (the decision modal sent). */
export interface ViewSubmissionBody {
  user: { id: string; name?: string; username?: string };
  view: DecisionViewBody;
}

/**
 * A submitted decision modal as the click it stands for, with the typed text as its comment;
 * deduplicated by the view's id (a retry of the submission carries the same view). Undefined
 * when the modal's metadata is not ours.
 * @example viewSubmissionTurn(body) // { kind: 'action', actionId: 'approval.reject', comment: 'not now', … }
 */
export function viewSubmissionTurn(body: ViewSubmissionBody): SlackTurn | undefined {
  const submitted = decisionSubmission(body.view);
  if (!submitted) return undefined;
  const { metadata, text } = submitted;
  return {
    platform: 'slack',
    kind: 'action',
    deliveryId: `view.${body.view.id}`,
    actor: {
      slackUserId: body.user.id,
      name: body.user.name ?? body.user.username ?? body.user.id,
    },
    conversation: conversationOf(metadata.channel),
    actionId: metadata.verb,
    value: metadata.value,
    ...(metadata.messageTs !== undefined && { messageTs: metadata.messageTs }),
    comment: text,
  };
}

/**
 * A mention (`@DigitRE deploy …`) or a DM to the app as a message turn; the leading mentions are
 * not part of the command. Events without a person (bots, edits) give nothing.
 * @example messageEventTurn(body)?.text // 'deploy custom-qa model v3'
 */
export function messageEventTurn(body: MessageEventBody): SlackTurn | undefined {
  const { event } = body;
  // Other bots (and our own posts) are not people typing commands.
  if (!event.user || event.bot_id || event.text === undefined) return undefined;
  return {
    platform: 'slack',
    kind: 'message',
    deliveryId: body.event_id,
    actor: { slackUserId: event.user, name: event.user },
    conversation: conversationOf(event.channel, undefined, event.channel_type),
    text: event.text.replace(/^(\s*<@[A-Z0-9]+(\|[^>]*)?>)+/, '').trim(),
  };
}

/**
 * Slack's conversation kind: events say it (`channel_type`); slash commands only give the
 * channel's name (`directmessage`, `privategroup`, `mpdm-…`) and id prefix (C, G, D).
 */
export function conversationOf(id: string, name?: string, channelType?: string): SlackConversation {
  if (channelType === 'im' || channelType === 'mpim' || channelType === 'group') {
    return { id, type: channelType };
  }
  if (channelType === 'channel') return { id, type: 'channel' };
  if (name === 'directmessage' || id.startsWith('D')) return { id, type: 'im' };
  if (name?.startsWith('mpdm-')) return { id, type: 'mpim' };
  if (name === 'privategroup' || id.startsWith('G')) return { id, type: 'group' };
  return { id, type: 'channel' };
}

function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' ? value : undefined;
}
