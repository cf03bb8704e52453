import type { CardSigner } from '../../actions/card-signer';
import type { Logger } from '../../logging/create-logger';
import type { Store } from '../../store/store';
import { auditEntry } from '../audit-entry';
import type { TurnMiddleware } from '../turn';

/**
 * A click counts only with the token its card was signed with for this conversation: a button
 * copied to another chat, or altered data, is refused (and audited) before it is claimed or runs.
 * @example composeTurnPipeline([…, rateLimit(limiter), cardToken({ signer, store, logger, clock }), …])
 */
export function cardToken(deps: {
  signer: CardSigner;
  store: Store;
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
    // Before the delivery is claimed (a forged click never writes to the store but this record),
    // so the record is written here; the audit log must not turn a refusal into an error.
    const record = auditEntry(turn, deps, {
      action: `card:${click.spec.verb}`,
      detail: 'bad or missing token',
      outcome: 'refused',
    });
    await deps.store.appendAudit(record).catch(() => undefined);
    turn.answer = {
      kind: 'refused',
      status: 403,
      message: 'This button does not belong to this conversation, or the card was altered.',
    };
  };
}
