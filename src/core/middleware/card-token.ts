import type { CardSigner } from '../../actions/card-signer';
import type { Logger } from '../../logging/create-logger';
import { auditEntry } from '../audit-entry';
import type { TurnMiddleware } from '../turn';

/**
 * A click counts only with the token its card was signed with for this conversation: a button
 * copied to another chat, or altered data, is refused (and audited) before it runs.
 * @example composeTurnPipeline([…, rateLimit(limiter), cardToken({ signer, logger, clock }), …])
 */
export function cardToken(deps: {
  signer: CardSigner;
  logger: Logger;
  clock: { now(): number };
  secrets?: readonly string[];
}): TurnMiddleware {
  return async (turn, next) => {
    const click = turn.click;
    if (!click) {
      await next();
      return;
    }
    const ids = click.spec.ids(click.data as never);
    if (deps.signer.verify(turn.conversation.id, ids, click.token)) {
      await next();
      return;
    }
    deps.logger.warn(
      { activityId: turn.deliveryId, verb: click.spec.verb, actor: turn.actor.id },
      'card action with a bad token refused',
    );
    turn.audit.push(
      auditEntry(turn, deps, {
        action: `card:${click.spec.verb}`,
        detail: 'bad or missing token',
        outcome: 'refused',
      }),
    );
    turn.undone = true;
    turn.answer = {
      kind: 'refused',
      status: 403,
      message: 'This button does not belong to this conversation, or the card was altered.',
    };
  };
}
