import type { Store } from '../store/store';
import { updateDoc } from '../store/update-doc';
import { RUN_CARDS_COLLECTION } from './conversation-record';

/** The message that shows a run in a conversation, updated in place as the run moves. */
export interface RunCard {
  runId: number;
  conversationId: string;
  /** Activity id of the posted card (what `updateActivity` needs). */
  activityId: string;
  /** Epoch ms of the last update sent. */
  lastUpdate: number;
  /** Hash of the card data last sent, to skip updates that change nothing. */
  lastStateHash?: string;
}

/** A creation claim: someone is posting the card; there is no activity id yet. */
interface RunCardClaim {
  runId: number;
  conversationId: string;
  claimed: true;
}

type RunCardDoc = RunCard | RunCardClaim;

/** A run's cards are worth updating for weeks at most; then they leave the store. */
export const RUN_CARD_TTL_MS = 30 * 24 * 3600_000;
/**
 * A claim while its claimer tries to post (a turn's budget, the sender's inline retries: ~10 s at
 * most): short, so a replica killed meanwhile blocks the card for seconds, not minutes.
 */
export const RUN_CARD_CLAIM_TTL_MS = 30_000;
/** A claim whose first post waits in the (shared, durable) outbox: any replica will deliver it. */
export const RUN_CARD_OUTBOX_CLAIM_TTL_MS = 5 * 60_000;

const runCardKey = (runId: number, conversationId: string) => `${runId}:${conversationId}`;

function isCard(doc: RunCardDoc | undefined): doc is RunCard {
  return doc !== undefined && !('claimed' in doc);
}

/**
 * Records (or updates) the card of a run in a conversation. Updates never go back in time:
 * an older `lastUpdate` than the stored one is ignored, so two updaters cannot regress it.
 * @example await rememberRunCard(store, { runId: 42, conversationId, activityId: sent.id, lastUpdate: clock.now() });
 */
export async function rememberRunCard(
  store: Store,
  card: RunCard,
  options: { ttlMs?: number } = {},
): Promise<RunCard> {
  const doc = await updateDoc<RunCardDoc>(
    store,
    RUN_CARDS_COLLECTION,
    runCardKey(card.runId, card.conversationId),
    (current) => (isCard(current) && current.lastUpdate > card.lastUpdate ? undefined : card),
    { ttlMs: options.ttlMs ?? RUN_CARD_TTL_MS },
  );
  return isCard(doc?.value) ? doc.value : card;
}

/**
 * The card showing `runId` in `conversationId`, if one was posted.
 * @example const card = await getRunCard(store, 42, conversationId);
 */
export async function getRunCard(
  store: Store,
  runId: number,
  conversationId: string,
): Promise<RunCard | undefined> {
  const doc = await store.get<RunCardDoc>(RUN_CARDS_COLLECTION, runCardKey(runId, conversationId));
  return isCard(doc?.value) ? doc.value : undefined;
}

/**
 * True while someone holds the creation claim of the run's card in a conversation and it is
 * not posted yet (its send may be waiting in the outbox).
 * @example if (await runCardCreationPending(store, 42, conversationId)) await sender.defer?.(conversationId, activity, tag);
 */
export async function runCardCreationPending(
  store: Store,
  runId: number,
  conversationId: string,
): Promise<boolean> {
  const doc = await store.get<RunCardDoc>(RUN_CARDS_COLLECTION, runCardKey(runId, conversationId));
  return doc !== undefined && !isCard(doc.value);
}

/**
 * Every posted card of `runId`, one per conversation, ordered by conversation id.
 * @example for (const card of await listRunCards(store, 42)) await update(card);
 */
export async function listRunCards(store: Store, runId: number): Promise<RunCard[]> {
  const docs = await store.list<RunCardDoc>(RUN_CARDS_COLLECTION, `${runId}:`);
  return docs.map((d) => d.value).filter(isCard);
}

/**
 * True for exactly one caller per run and conversation, across replicas: a create-only put
 * that fails when a card or another live claim exists. The winner posts the card and calls
 * `rememberRunCard` (which replaces the claim), or `abandonRunCardClaim` if posting failed;
 * a claim left by a crash expires after `RUN_CARD_CLAIM_TTL_MS`.
 * @example
 *   if (!(await getRunCard(store, runId, conv)) && (await claimRunCardCreation(store, runId, conv))) {
 *     const sent = await post(card); await rememberRunCard(store, { runId, conversationId: conv, activityId: sent.id, lastUpdate });
 *   }
 */
export async function claimRunCardCreation(
  store: Store,
  runId: number,
  conversationId: string,
  options: { ttlMs?: number } = {},
): Promise<boolean> {
  const claim: RunCardClaim = { runId, conversationId, claimed: true };
  const put = await store.put(RUN_CARDS_COLLECTION, runCardKey(runId, conversationId), claim, {
    etag: null,
    ttlMs: options.ttlMs ?? RUN_CARD_CLAIM_TTL_MS,
  });
  return put.ok;
}

/**
 * Keeps a creation claim for longer once its first post is in the outbox (the post no longer
 * depends on the claimer staying alive). A card already remembered is left alone.
 * @example await holdRunCardClaim(store, runId, conversationId);
 */
export async function holdRunCardClaim(
  store: Store,
  runId: number,
  conversationId: string,
): Promise<void> {
  const key = runCardKey(runId, conversationId);
  const doc = await store.get<RunCardDoc>(RUN_CARDS_COLLECTION, key);
  if (!doc || isCard(doc.value)) return;
  await store.put(RUN_CARDS_COLLECTION, key, doc.value, {
    etag: doc.etag,
    ttlMs: RUN_CARD_OUTBOX_CLAIM_TTL_MS,
  });
}

/**
 * Gives up a creation claim (posting failed) so the next event may try again. A card already
 * remembered is left alone.
 * @example try { await post(card) } catch (e) { await abandonRunCardClaim(store, runId, conv); throw e; }
 */
export async function abandonRunCardClaim(
  store: Store,
  runId: number,
  conversationId: string,
): Promise<void> {
  const key = runCardKey(runId, conversationId);
  const doc = await store.get<RunCardDoc>(RUN_CARDS_COLLECTION, key);
  if (doc && !isCard(doc.value)) await store.delete(RUN_CARDS_COLLECTION, key, doc.etag);
}

/**
 * Forgets the run's card in a conversation because that message is gone from the chat (deleted,
 * or a chat that no longer has it), so the next state posts a new live card. Only the card with
 * `activityId`: one another replica already posted anew stays.
 * @example if (isMessageGone(err)) await forgetRunCard(store, 42, conversationId, card.activityId);
 */
export async function forgetRunCard(
  store: Store,
  runId: number,
  conversationId: string,
  activityId: string,
): Promise<void> {
  const key = runCardKey(runId, conversationId);
  const doc = await store.get<RunCardDoc>(RUN_CARDS_COLLECTION, key);
  if (isCard(doc?.value) && doc.value.activityId === activityId) {
    await store.delete(RUN_CARDS_COLLECTION, key, doc.etag);
  }
}
