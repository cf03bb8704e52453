import type { Activity, TurnContext } from 'botbuilder';
import { signCardData, type CardSigner } from '../actions/card-signer';
import type { Clock } from '../clock/clock';
import type { Reply } from '../commands/reply';
import { claimRunCardCreation, getRunCard, rememberRunCard } from '../conversations/run-card';
import type { Logger } from '../logging/create-logger';
import type { Store } from '../store/store';
import { sendWithinBudget, type TurnOutbox } from './send-within-budget';

export interface TeamsRepliesOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  signer: CardSigner;
  /** Reply value → the activity to send (cards rendered from templates). */
  toActivity(reply: Reply): Partial<Activity>;
  /** Where a reply the channel would not take in time goes (the proactive sender's outbox). */
  outbox?: TurnOutbox;
  /** How long a turn may spend retrying its replies before the outbox takes them (default 4 s). */
  replyBudgetMs?: number;
}

/**
 * How a turn's answers reach Teams: cards signed for the conversation, sent within the reply
 * budget (then the outbox), and a run's card kept the one live card of that run in the chat.
 * @example await new TeamsReplies(opts).send(context, conversationId, reply);
 */
export class TeamsReplies {
  constructor(private readonly opts: TeamsRepliesOptions) {}

  /** A reply as the activity to send, its card's buttons signed for this conversation. */
  render(reply: Reply, conversationId: string): Partial<Activity> {
    const data = signCardData(reply.data, conversationId, this.opts.signer);
    return this.opts.toActivity({ ...reply, data } as Reply);
  }

  /**
   * Sends in the turn, retrying within the reply budget; what the channel does not take in
   * time goes to the outbox (the turn ends and Teams is answered well within its ~15 s).
   * Resolves the activity id, or undefined when the outbox has it.
   */
  post(
    context: TurnContext,
    activity: Partial<Activity>,
    tag?: Parameters<TurnOutbox['defer']>[2],
  ): Promise<string | undefined> {
    const { clock, logger, outbox, replyBudgetMs } = this.opts;
    return sendWithinBudget(context, activity, {
      clock,
      logger,
      budgetMs: replyBudgetMs ?? 4_000,
      ...(outbox && { outbox }),
      ...(tag && { tag }),
    });
  }

  /**
   * Sends a reply card. A card that shows a run is the run's one live card in this chat: the
   * bot claims it first, because the run's first service-hook event can arrive before this
   * reply is sent; if notifications already posted it, that card is updated instead.
   */
  async send(context: TurnContext, conversationId: string, reply: Reply): Promise<void> {
    const { store, clock, outbox } = this.opts;
    const activity = this.render(reply, conversationId);
    const runId = reply.runId;
    if (runId === undefined || reply.card !== 'run-status') {
      await this.post(context, activity);
      return;
    }
    // No state hash: any state an event shows is further along than the reply's.
    const tag = { runCard: { runId, lastStateHash: '', lastUpdate: clock.now() } };
    const claimed = await claimRunCardCreation(store, runId, conversationId);
    if (!claimed && !reply.queued) {
      await this.answerBelow(context, activity, runId, conversationId);
      return;
    }
    if (!claimed) {
      // Notifications are posting it right now: wait briefly for its id, then update it.
      for (let i = 0; i < 20; i++) {
        const existing = await getRunCard(store, runId, conversationId);
        if (existing) {
          await context.updateActivity({ ...activity, id: existing.activityId });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Still on its way (in the outbox?): queue this one behind it, where it becomes an update.
      if (outbox) {
        await outbox.defer(conversationId, activity, tag, { behindFirstPost: true });
        return;
      }
    }
    const sentId = await this.post(context, activity, tag);
    if (sentId)
      await rememberRunCard(store, {
        runId,
        conversationId,
        activityId: sentId,
        lastUpdate: tag.runCard.lastUpdate,
      });
  }

  /**
   * A look-up (`status 143`, `logs 124`) of a run whose card is already in this chat: the answer
   * is a new message at the bottom, where the person looks, and becomes the run's live card
   * there; the old card far up is refreshed too, so it does not show an older state.
   */
  private async answerBelow(
    context: TurnContext,
    activity: Partial<Activity>,
    runId: number,
    conversationId: string,
  ): Promise<void> {
    const { store, clock, logger } = this.opts;
    const old = await getRunCard(store, runId, conversationId);
    // Untagged: an outbox holding it must post it, not turn it into an update of the old card.
    const sentId = await this.post(context, activity);
    if (!sentId) return;
    await rememberRunCard(store, {
      runId,
      conversationId,
      activityId: sentId,
      lastUpdate: Math.max(clock.now(), (old?.lastUpdate ?? 0) + 1),
    });
    if (!old) return;
    try {
      await context.updateActivity({ ...activity, id: old.activityId });
    } catch (err) {
      logger.warn({ err, runId, activityId: old.activityId }, 'old run card not refreshed');
    }
  }
}
