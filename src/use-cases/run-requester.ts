import type { Actor } from '../auth/actor';
import type { RequesterMatch } from '../auth/authorizer';
import type { Catalog } from '../catalog/catalog-schema';
import type { RunSummary } from '../devops/devops-port';
import { PEOPLE_COLLECTION, type Person } from '../people/person';
import type { Store } from '../store/store';
import type { RunRecord } from './run-record';

export type { RequesterMatch };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const lower = (s: string | undefined) => s?.trim().toLowerCase() || undefined;

/** The same person: one shared Teams id, Entra object id or UPN is enough. */
function samePerson(a: Partial<Actor>, b: Partial<Actor>): boolean {
  const eq = (x?: string, y?: string) => x !== undefined && x === y;
  return (
    eq(a.teamsId, b.teamsId) ||
    eq(lower(a.aadObjectId), lower(b.aadObjectId)) ||
    eq(lower(a.upn), lower(b.upn)) ||
    eq(a.id, b.id)
  );
}

/**
 * Who Azure DevOps says the run is for (`requestedFor`), as a person the bot can compare:
 * a UPN or Entra object id it has seen in Teams or the catalog names. Anyone else, such as the
 * bot's own service identity (the run was queued by the bot), is undefined: unknown.
 */
async function personOf(
  requestedFor: RunSummary['requestedFor'],
  catalog: Catalog,
  store: Store,
): Promise<Partial<Actor> | undefined> {
  const unique = lower(requestedFor?.uniqueName);
  if (!unique) return undefined;
  const key = GUID.test(unique) ? `aad:${unique}` : unique.includes('@') ? `upn:${unique}` : '';
  if (!key) return undefined;
  const seen = (await store.get<Person>(PEOPLE_COLLECTION, key))?.value;
  if (seen) return seen;
  const named = [
    ...catalog.roles.admins,
    ...catalog.roles.runners,
    ...catalog.environments.flatMap((e) => [...e.deployers, ...(e.approval?.approvers ?? [])]),
    ...catalog.pipelines.flatMap((p) => p.runners ?? []),
  ].some((p) => p.toLowerCase() === unique);
  if (!named) return undefined;
  return GUID.test(unique) ? { aadObjectId: unique } : { upn: unique };
}

/**
 * Whether `actor` asked for the run, for no-self-approval. Azure DevOps' `requestedFor` is the
 * truth when it names a person (a run queued in the portal, or as the person); the bot's run
 * record names who asked in chat when the bot's identity queued it. Without either (a run the
 * bot queued and crashed before recording), or when the actor cannot be compared with the
 * requester, the answer is `unsure`, which the authorizer refuses.
 * @example await runRequester(ctx.actor, await devops.getRun(runId), await getRunRecord(store, runId), deps)
 */
export async function runRequester(
  actor: Actor,
  run: RunSummary | null | undefined,
  record: RunRecord | undefined,
  deps: { catalog: Catalog; store: Store },
): Promise<RequesterMatch> {
  const requesters: Partial<Actor>[] = [];
  if (record) requesters.push(record.requestedBy);
  const fromDevOps = await personOf(run?.requestedFor, deps.catalog, deps.store);
  if (fromDevOps) requesters.push(fromDevOps);
  if (requesters.length === 0) return 'unsure';
  if (requesters.some((r) => samePerson(actor, r))) return 'self';
  // A requester known only by UPN or object id cannot be told apart from an actor without one.
  const comparable = requesters.every(
    (r) =>
      (r.teamsId !== undefined && actor.teamsId !== 'unknown') ||
      (r.aadObjectId !== undefined && actor.aadObjectId !== undefined) ||
      (r.upn !== undefined && actor.upn !== undefined),
  );
  return comparable ? 'other' : 'unsure';
}
