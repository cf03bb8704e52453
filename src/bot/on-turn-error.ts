import type { TurnContext } from 'botbuilder';
import type { Logger } from '../logging/create-logger';

/**
 * The one place an unexpected error in a turn ends up: logged with the activity id, and the
 * person gets an answer they can quote, not silence.
 */
export function onTurnError(
  logger: Logger,
  message: (ref: string) => Partial<import('botbuilder').Activity>,
) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const ref = context.activity?.id ?? 'unknown';
    const code = (error as { code?: unknown }).code;
    logger.error(
      { err: error, code, activityId: ref, conversationId: context.activity?.conversation?.id },
      'turn failed',
    );
    try {
      await context.sendActivity(message(ref));
    } catch (sendError) {
      // The failure itself is logged above with its stack; this is its echo, so no second stack.
      logger.warn(
        { activityId: ref, error: (sendError as Error)?.message },
        'could not tell the user about the failure',
      );
    }
  };
}
