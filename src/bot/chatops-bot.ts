import { TeamsActivityHandler, type Activity, type TurnContext } from 'botbuilder';
import type { Logger } from '../logging/create-logger';
import type { CommandDeps, CommandRegistry } from '../commands/command-spec';
import { parseCommand } from '../commands/parse-command';
import { usageReply } from '../commands/usage-reply';
import type { Reply } from '../commands/reply';
import { once } from '../store/once';
import { actorFromActivity, conversationFromActivity } from './actor-from-activity';

/** How long a processed activity id is remembered, so a Teams retry is not run twice. */
const ACTIVITY_DEDUPE_MS = 24 * 60 * 60 * 1000;

export interface ChatOpsBotOptions {
  registry: CommandRegistry;
  deps: CommandDeps;
  logger: Logger;
  /** Reply value → the activity to send (cards rendered from templates). */
  toActivity(reply: Reply): Partial<Activity>;
}

/**
 * Teams transport only: turns a message into a command run and its Reply into a card.
 * Business logic lives in src/commands; this class never decides anything itself.
 */
export class ChatOpsBot extends TeamsActivityHandler {
  constructor(private readonly opts: ChatOpsBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (activity.id && !(await this.firstDelivery(activity.id))) {
      this.opts.logger.info({ activityId: activity.id }, 'duplicate activity ignored');
      return;
    }
    const reply = await this.replyFor(
      typeof activity.text === 'string' ? activity.text : '',
      context,
    );
    await context.sendActivity(this.opts.toActivity(reply));
  }

  private async replyFor(text: string, context: TurnContext): Promise<Reply> {
    const { deps, registry, logger } = this.opts;
    const parsed = parseCommand(text, registry, { catalog: deps.catalog });
    if (!parsed.ok) return usageReply(parsed.error);
    const ctx = {
      actor: actorFromActivity(context.activity),
      conversation: conversationFromActivity(context.activity),
      activityId: context.activity.id,
    };
    logger.info(
      { activityId: ctx.activityId, command: parsed.spec.name, actor: ctx.actor.id },
      'command',
    );
    return parsed.spec.run(parsed.args, ctx, deps);
  }

  /** True the first time this activity id is seen (across restarts and replicas). */
  private async firstDelivery(activityId: string): Promise<boolean> {
    return once(this.opts.deps.store, `activity:${activityId}`, ACTIVITY_DEDUPE_MS);
  }
}
