import type { Activity, TurnContext } from 'botbuilder';
import type { Reply } from '../commands/reply';
import type { Logger } from '../logging/create-logger';
import { DeliveryDeferredError } from '../publisher/delivery-errors';
import type { Publisher } from '../publisher/publisher';

export interface TeamsRepliesOptions {
  /** The one way out to a chat: signs, renders, claims run cards, retries, the outbox. */
  publisher: Publisher;
  logger: Logger;
  /** How long a turn may spend retrying its replies before the outbox takes them (default 4 s). */
  replyBudgetMs?: number;
}

/**
 * How a turn's answers reach Teams: through the publisher, in the turn being answered, within
 * the turn's reply budget (Teams gives up on a turn after ~15 s); what the channel does not take
 * in time goes to the publisher's outbox.
 * @example await new TeamsReplies({ publisher, logger }).send(context, conversationId, reply);
 */
export class TeamsReplies {
  constructor(private readonly opts: TeamsRepliesOptions) {}

  /** A reply as the activity to send, its card's buttons signed for this conversation. */
  render(reply: Reply, conversationId: string): Partial<Activity> {
    return this.opts.publisher.render(reply, conversationId) as Partial<Activity>;
  }

  /** A reply card; one showing a run becomes (or updates) that run's one live card here. */
  async send(context: TurnContext, conversationId: string, reply: Reply): Promise<void> {
    await this.opts.publisher.publish(conversationId, reply, {
      inTurn: context,
      budgetMs: this.opts.replyBudgetMs ?? 4_000,
    });
  }

  /**
   * A ready activity (the sign-in card) in the turn; resolves its id, or undefined when the
   * outbox took it.
   */
  async post(
    context: TurnContext,
    conversationId: string,
    activity: Partial<Activity>,
  ): Promise<string | undefined> {
    try {
      return await this.opts.publisher.send(conversationId, activity, undefined, {
        turn: context,
        budgetMs: this.opts.replyBudgetMs ?? 4_000,
        maxAttempts: 10,
      });
    } catch (err) {
      if (err instanceof DeliveryDeferredError) return undefined;
      throw err;
    }
  }

  /**
   * The clicked card, decided, for everyone in the chat (the clicker gets it in the invoke
   * response anyway). One attempt now; a channel hiccup hands it to the outbox instead of
   * leaving the old buttons on everyone else's screen.
   */
  async updateForEveryone(
    context: TurnContext,
    conversationId: string,
    messageId: string,
    card: Partial<Activity>,
  ): Promise<void> {
    await this.opts.publisher
      .update(conversationId, messageId, card, undefined, { turn: context, maxAttempts: 1 })
      .catch((err: unknown) => {
        if (err instanceof DeliveryDeferredError) return;
        this.opts.logger.warn(
          { err, activityId: context.activity.id },
          'card update for everyone failed',
        );
      });
  }
}
