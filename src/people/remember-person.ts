import type { Store } from '../store/store';
import { PEOPLE_COLLECTION, PERSON_TTL_MS, type Person } from './person';

/** How often a known person is re-written (their last-seen time), at most. */
const REFRESH_MS = 24 * 3600_000;

/**
 * Records who someone is under each of their identifiers. Cheap for people seen recently:
 * one read, no write.
 * @example await rememberPerson(store, { teamsId: '29:…', name: 'Alex', upn: 'alex@x', seenAt: now });
 */
export async function rememberPerson(
  store: Store,
  person: Person,
  /** What `teams:<id>` holds, when the caller has just read it (null: nothing); saves a read. */
  known?: Person | null,
): Promise<void> {
  const keys = personKeys(person);
  const current =
    known !== undefined ? known : (await store.get<Person>(PEOPLE_COLLECTION, keys[0]!))?.value;
  const same =
    current &&
    current.teamsId === person.teamsId &&
    current.upn === person.upn &&
    current.name === person.name &&
    person.seenAt - current.seenAt < REFRESH_MS;
  if (same) return;
  await Promise.all(
    keys.map((k) => store.put(PEOPLE_COLLECTION, k, person, { ttlMs: PERSON_TTL_MS })),
  );
}

/** Slack user ids (`U…`, `W…` on Enterprise Grid); Teams ids always carry a `:`. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * The keys a person is stored under. `upn:` maps an email to the person's Teams id (Teams'
 * per-approver card views read it), so someone seen in Slack (their `teamsId` is a Slack user
 * id) does not take it over from their Teams self; their Slack id keeps its own `teams:` key.
 * @example personKeys({ teamsId: '29:1', upn: 'Ada@X' }) // ['teams:29:1', 'upn:ada@x']
 */
export function personKeys(p: Pick<Person, 'teamsId' | 'upn' | 'aadObjectId'>): string[] {
  const keys = [`teams:${p.teamsId}`];
  if (p.upn && !SLACK_USER_ID.test(p.teamsId)) keys.push(`upn:${p.upn.toLowerCase()}`);
  if (p.aadObjectId) keys.push(`aad:${p.aadObjectId.toLowerCase()}`);
  return keys;
}
