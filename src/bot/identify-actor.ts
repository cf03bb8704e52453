import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Actor } from '../auth/actor';
import type { Logger } from '../logging/create-logger';
import { findPersonByTeamsId } from '../people/find-people';
import { rememberPerson } from '../people/remember-person';
import type { Store } from '../store/store';

/**
 * Completes who sent an activity: Teams sends the Teams id and the Entra object id, but not
 * the UPN the catalog's roles are usually written with. The UPN comes from the people the bot
 * remembers, else from one Teams member lookup (then remembered).
 */
export async function identifyActor(
  context: TurnContext,
  actor: Actor,
  deps: { store: Store; now: number; logger: Logger },
): Promise<Actor> {
  // One read serves both the UPN lookup and rememberPerson's "anything changed?" check.
  const stored = (await findPersonByTeamsId(deps.store, actor.teamsId)) ?? null;
  let upn = actor.upn ?? stored?.upn;
  if (!upn && context.activity.channelId === 'msteams' && actor.teamsId !== 'unknown') {
    try {
      const member = await TeamsInfo.getMember(context, actor.teamsId);
      upn = member.userPrincipalName || member.email || undefined;
    } catch (err) {
      deps.logger.debug(
        { err, actor: actor.id },
        'Teams member lookup failed; roles by UPN will not match',
      );
    }
  }
  const who: Actor = { ...actor, upn };
  await rememberPerson(
    deps.store,
    {
      teamsId: who.teamsId,
      name: who.name,
      upn,
      aadObjectId: who.aadObjectId,
      seenAt: deps.now,
    },
    stored,
  );
  return who;
}
