import type { Store } from '../store/store';
import { PEOPLE_COLLECTION, type Person } from './person';

/** The person behind a Teams user id, if seen. */
export async function findPersonByTeamsId(
  store: Store,
  teamsId: string,
): Promise<Person | undefined> {
  return (await store.get<Person>(PEOPLE_COLLECTION, `teams:${teamsId}`))?.value;
}

/**
 * Teams user ids for catalog principals (emails/UPNs and Entra object ids) among the people
 * the bot has seen; `everyone` (local mode) returns everyone seen. At most `limit`, because
 * Teams honours 60 ids in a card's `refresh.userIds`.
 * @example await teamsIdsFor(store, env.approval.approvers, { everyone: false })
 */
export async function teamsIdsFor(
  store: Store,
  principals: readonly string[],
  opts: { everyone: boolean; limit?: number },
): Promise<string[]> {
  const limit = opts.limit ?? 60;
  if (opts.everyone) {
    const all = await store.list<Person>(PEOPLE_COLLECTION, 'teams:');
    return all.map((d) => d.value.teamsId).slice(0, limit);
  }
  const ids = new Set<string>();
  for (const p of principals) {
    if (p.startsWith('channel:')) continue;
    const key = p.includes('@') ? `upn:${p.toLowerCase()}` : `aad:${p.toLowerCase()}`;
    const person = (await store.get<Person>(PEOPLE_COLLECTION, key))?.value;
    if (person) ids.add(person.teamsId);
    if (ids.size >= limit) break;
  }
  return [...ids];
}
