import type { Announce } from '../commands/command-spec';
import { getDefaultNotificationChannel } from '../conversations/default-notification-channel';
import type { Logger } from '../logging/create-logger';
import { PEOPLE_COLLECTION, type Person } from '../people/person';
import type { Store } from '../store/store';
import { DeliveryDeferredError } from '../publisher/delivery-errors';
import type { Publisher } from '../publisher/publisher';
import { personalChatOf } from './find-personal-conversation';

/**
 * Tells people outside the chat a command came from: the notifications channel (lock changes),
 * or one person in their personal chat (a force-unlock tells the lock's holder). Best effort:
 * the command already happened, so a failed post is logged, never thrown.
 * @example deps.announce = createAnnouncer({ store, publisher, logger });
 */
export function createAnnouncer(opts: {
  store: Store;
  /** Signs, renders and sends; opens a personal chat with someone who has none yet. */
  publisher: Pick<Publisher, 'post' | 'openPersonalChat'>;
  logger: Logger;
}): Announce {
  const { store, publisher, logger } = opts;
  return async (to, reply) => {
    try {
      await announce(to, reply);
    } catch (err) {
      logger.warn({ err }, 'announcement not delivered');
    }
  };

  async function announce(...[to, reply]: Parameters<Announce>): Promise<void> {
    const targets: string[] = [];
    const channel = await getDefaultNotificationChannel(store);
    if ('channel' in to && channel && channel !== to.except) targets.push(channel);
    if ('person' in to) {
      const personal = await chatOfPerson(to.person.id, to.from);
      if (personal && personal !== to.except) targets.push(personal);
    }
    await Promise.all(
      targets.map((conversationId) =>
        publisher.post(conversationId, reply).catch((err: unknown) => {
          if (!(err instanceof DeliveryDeferredError))
            logger.warn({ err, conversationId }, 'announcement not delivered');
        }),
      ),
    );
  }

  /** An actor id is an Entra object id, or a Teams id when there is none (actor-from-activity). */
  async function chatOfPerson(id: string, from: string): Promise<string | undefined> {
    const person =
      (await store.get<Person>(PEOPLE_COLLECTION, `aad:${id}`))?.value ??
      (await store.get<Person>(PEOPLE_COLLECTION, `teams:${id}`))?.value;
    const teamsId = person?.teamsId ?? (id.startsWith('29:') ? id : undefined);
    if (!teamsId) return undefined;
    return personalChatOf(store, publisher, teamsId, from);
  }
}
