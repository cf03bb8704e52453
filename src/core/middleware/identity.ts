import type { Logger } from '../../logging/create-logger';
import { findPersonByTeamsId } from '../../people/find-people';
import { rememberPerson } from '../../people/remember-person';
import type { Store } from '../../store/store';
import type { TurnMiddleware } from '../turn';

/**
 * Completes who is acting and builds the context handlers see. Platforms send an id and a name
 * but not always the UPN the catalog's roles are written with: it comes from the people the bot
 * remembers (one read, which also tells whether the person must be re-written), else from the
 * transport's lookup (then remembered).
 * @example composeTurnPipeline([…, identity({ store, clock, logger }), …])
 */
export function identity(deps: {
  store: Store;
  clock: { now(): number };
  logger: Logger;
}): TurnMiddleware {
  return async (turn, next) => {
    const actor = turn.actor;
    const stored = (await findPersonByTeamsId(deps.store, actor.teamsId)) ?? null;
    let upn = actor.upn ?? stored?.upn;
    if (!upn && actor.teamsId !== 'unknown' && turn.capabilities.lookUpUpn) {
      upn = await turn.capabilities.lookUpUpn().catch((err: unknown) => {
        deps.logger.debug(
          { err, actor: actor.id },
          'member lookup failed; roles by UPN will not match',
        );
        return undefined;
      });
    }
    turn.actor = { ...actor, upn };
    await rememberPerson(
      deps.store,
      {
        teamsId: actor.teamsId,
        name: actor.name,
        upn,
        aadObjectId: actor.aadObjectId,
        seenAt: deps.clock.now(),
      },
      stored,
    );
    turn.ctx = {
      platform: turn.platform,
      actAsPerson: turn.capabilities.signIn?.actAsPerson(turn.userToken),
      actor: turn.actor,
      conversation: turn.conversation,
      activityId: turn.effectId ?? turn.deliveryId,
      ...(turn.redelivered && { redelivered: true }),
    };
    await next();
  };
}
