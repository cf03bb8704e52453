/** Who spoke or clicked, as Slack knows them; `email` (users.info) matches them to the catalog. */
export interface SlackActor {
  slackUserId: string;
  /** Absent until looked up (needs the `users:read.email` scope) or when the profile hides it. */
  email?: string;
  /** Display name when Slack sent one, else the user id. */
  name: string;
}

/** Where the turn happened: a channel, a private channel, a DM or a group DM. */
export interface SlackConversation {
  id: string;
  type: 'channel' | 'group' | 'im' | 'mpim';
}

interface SlackTurnBase {
  platform: 'slack';
  /** Slack's id for this delivery (event id or trigger id): a retry carries the same one. */
  deliveryId: string;
  actor: SlackActor;
  conversation: SlackConversation;
  /** Slash commands and clicks: where an answer (ephemeral or replacing) can go for 30 minutes. */
  responseUrl?: string;
}

/**
 * One Slack request as a plain value, before the conversation core sees it: a command someone
 * typed (slash command, mention, DM) or a button they clicked. No Bolt or Web API object leaks.
 * @example
 * { platform: 'slack', kind: 'message', deliveryId: '13345.22.ab', text: 'deploy custom-qa model v3',
 *   actor: { slackUserId: 'U1', name: 'ada' }, conversation: { id: 'C1', type: 'channel' } }
 */
export type SlackTurn = SlackTurnBase &
  (
    | { kind: 'message'; text: string }
    | {
        kind: 'action';
        /** The button's verb (`approve`, `confirm`, `run`…), as the card rendered it. */
        actionId: string;
        /** The button's signed data, as rendered. */
        value: string;
        /** The message the button sits on (`ts`), so the answer can replace it. */
        messageTs?: string;
        /** The click's trigger id: a modal opened for it must open within 3 s. */
        triggerId?: string;
        /** Typed in the decision modal: the click then decides, with it as the comment. */
        comment?: string;
      }
  );
