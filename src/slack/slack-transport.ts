import { CARD_ACTIONS, type CardActionSpec } from '../actions/card-actions';
import { CARD_VERBS } from '../cards/card-verbs';
import type { CardSigner } from '../actions/card-signer';
import type { RateLimiter } from '../auth/rate-limiter';
import type { CommandContext, CommandDeps } from '../commands/command-spec';
import { messageReply } from '../commands/message-reply';
import { saveConversation } from '../conversations/save-conversation';
import { createTurnPipeline } from '../core/create-turn-pipeline';
import { DeliveryLedger } from '../core/delivery-ledger';
import { newTurn, type Turn, type TurnAnswer } from '../core/turn';
import type { TurnPipeline } from '../core/turn-pipeline';
import type { Logger } from '../logging/create-logger';
import type { Metrics } from '../metrics/metrics';
import { DeliveryDeferredError } from '../publisher/delivery-errors';
import type { Publisher } from '../publisher/publisher';
import { promptDecision } from './decision-prompt';
import { slackClick } from './slack-click';
import { slackConversationInfo, type SlackChatChannel } from './slack-chat-channel';
import type { SlackMessage } from './slack-channel';
import type { SlackConversation, SlackTurn } from './slack-turn';

export interface SlackTransportOptions {
  deps: CommandDeps;
  logger: Logger;
  metrics?: Metrics;
  /** Verifies the tokens on clicked buttons (the publisher signs them). */
  signer: CardSigner;
  /** The one way out to a chat; it reaches Slack conversations through `channel`. */
  publisher: Publisher;
  /** Slack itself, for what only Slack has: an ephemeral answer to one person. */
  channel: SlackChatChannel;
  rateLimiter?: RateLimiter;
  /** Which deliveries are done, shared by every transport of this process (default: its own). */
  ledger?: DeliveryLedger;
  actions?: readonly CardActionSpec<never>[];
  /** How long a turn may spend retrying its replies before the outbox takes them (default 4 s). */
  replyBudgetMs?: number;
}

/**
 * The Slack transport: each Slack request (already verified, acknowledged and deduplicated by
 * the receiver) becomes the core's platform-neutral turn and runs through the same turn
 * pipeline as Teams, with the same registry, card actions and deps. Its answers go out through
 * the publisher: a command's reply as a new message (a run's live card), a click's answer as
 * the clicked message updated for everyone, and what is for the clicker alone (a refusal, a
 * card only they should see: Slack has no per-person view of a message) as an ephemeral message.
 * @example
 *   const slack = createSlackTransport({ deps, logger, signer, publisher, channel });
 *   createSlackReceiver({ …, onTurn: (turn) => slack.handle(turn) });
 */
export function createSlackTransport(o: SlackTransportOptions): {
  handle(turn: SlackTurn): Promise<void>;
} {
  const { deps, logger, publisher, channel } = o;
  const actions = o.actions ?? CARD_ACTIONS;
  const budgetMs = o.replyBudgetMs ?? 4_000;
  // No tenant policy: the signing secret is the boundary (only this app's workspace reaches us).
  const pipeline: TurnPipeline = createTurnPipeline({
    registry: deps.registry,
    deps,
    logger,
    signer: o.signer,
    ledger: o.ledger ?? new DeliveryLedger(deps.store, logger),
    ...(o.metrics && { metrics: o.metrics }),
    ...(o.rateLimiter && { rateLimiter: o.rateLimiter }),
  });

  const refuse = async (turn: SlackTurn, message: string) => {
    const reply = messageReply('attention', 'Not done', message);
    await channel
      .ephemeral(turn.conversation.id, turn.actor.slackUserId, channel.render(reply))
      .catch((err: unknown) => logger.warn({ err }, 'slack ephemeral answer failed'));
  };

  const deliver = async (turn: SlackTurn, answer: TurnAnswer): Promise<void> => {
    const conversationId = turn.conversation.id;
    if (answer.kind === 'reply') {
      await publisher.publish(conversationId, answer.reply, { budgetMs });
    } else if (answer.kind === 'refused') {
      await refuse(turn, answer.message);
    } else if (answer.kind === 'card') {
      const { result } = answer;
      const messageTs = turn.kind === 'action' ? turn.messageTs : undefined;
      if (result.updateForEveryone && messageTs) {
        // A decision that happened is never turned into an error by a channel hiccup.
        await publisher
          .replace(conversationId, messageTs, result.card, undefined, { budgetMs })
          .catch((err: unknown) => {
            if (!(err instanceof DeliveryDeferredError))
              logger.warn({ err, deliveryId: turn.deliveryId }, 'slack card update failed');
          });
      } else if (!result.updateForEveryone) {
        // The clicker's own view (a refusal, a refresh): Slack shows it to them alone.
        const payload = publisher.render(result.card, conversationId) as SlackMessage;
        await channel
          .ephemeral(conversationId, turn.actor.slackUserId, payload)
          .catch((err: unknown) => logger.warn({ err }, 'slack ephemeral answer failed'));
      }
      if (result.followUp) await publisher.publish(conversationId, result.followUp, { budgetMs });
    }
  };

  return {
    async handle(slackTurn) {
      const { conversation } = slackTurn;
      const type = conversationType(conversation);
      // The email (users.info) is what the catalog's roles are written with.
      const actor = {
        id: slackTurn.actor.slackUserId,
        name: slackTurn.actor.name,
        upn: slackTurn.actor.email,
        teamsId: slackTurn.actor.slackUserId,
      };
      let click: Turn['click'];
      if (slackTurn.kind === 'action') {
        const decides = DECISION_VERBS.has(slackTurn.actionId);
        const typed = decides && slackTurn.comment !== undefined;
        const parsed = slackClick(
          actions,
          slackTurn.actionId,
          slackTurn.value,
          typed ? { comment: slackTurn.comment } : undefined,
        );
        if (!parsed.ok) {
          await refuse(slackTurn, parsed.message);
          return;
        }
        click = parsed.click;
        if (decides && !typed && slackTurn.triggerId) {
          // A click on Approve / Reject asks for the comment or reason first (issue 19).
          const asked = await promptDecision(
            {
              click,
              verb: slackTurn.actionId,
              value: slackTurn.value,
              triggerId: slackTurn.triggerId,
              ...(slackTurn.messageTs !== undefined && { messageTs: slackTurn.messageTs }),
              ctx: { platform: 'slack', actor, conversation: { id: conversation.id, type } },
            },
            { deps, signer: o.signer, channel, logger },
          );
          if (asked === 'opened') return;
          if (asked === 'failed') {
            const typedForm = slackTurn.actionId === CARD_VERBS.reject ? 'reject' : 'approve';
            await refuse(
              slackTurn,
              `I could not open the form; type \`${typedForm} <environment> <comment>\` instead.`,
            );
            return;
          }
        }
      }
      await pipeline(
        newTurn({
          platform: 'slack',
          kind: click ? 'cardAction' : 'message',
          deliveryId: slackTurn.deliveryId,
          actor,
          conversation: { id: conversation.id, type },
          tenantIds: [],
          ...(slackTurn.kind === 'message' && { text: slackTurn.text }),
          ...(click && { click }),
          capabilities: {
            deliver: (answer) => deliver(slackTurn, answer),
            rememberConversation: async () => {
              const userId = type === 'personal' ? actor.id : undefined;
              await saveConversation(
                deps.store,
                slackConversationInfo(conversation.id, type, userId),
              );
            },
          },
        }),
      );
    },
  };
}

/** The card verbs that decide an approval: a click on them opens the decision modal. */
const DECISION_VERBS: ReadonlySet<string> = new Set([CARD_VERBS.approve, CARD_VERBS.reject]);

/** Slack's conversation kinds as the core's. */
function conversationType(c: SlackConversation): CommandContext['conversation']['type'] {
  if (c.type === 'im') return 'personal';
  if (c.type === 'mpim') return 'groupChat';
  return 'channel';
}
