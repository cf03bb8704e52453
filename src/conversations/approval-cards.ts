import type { Store } from '../store/store';

/** Store collection of posted approval cards, key = `${approvalId}:${conversationId}`. */
export const APPROVAL_CARDS_COLLECTION = 'approval-cards';
const TTL_MS = 30 * 24 * 3600_000;
/** A poster that crashed before posting must not block the card for long. */
const CLAIM_TTL_MS = 5 * 60_000;
/**
 * A claim neither posted nor handed to the outbox for this long was left by a poster that died:
 * a post's inline retries end within ~10 s (the publisher's budget), then the outbox has it.
 * Its redelivered event may take the card over, so the card is not lost with the replica.
 */
export const STALE_CLAIM_MS = 60_000;

interface ApprovalCardDoc {
  approvalId: string;
  conversationId: string;
  /** Absent while someone is posting it. */
  activityId?: string;
  /** The decision the card was last updated to show (absent while pending). */
  shows?: string;
  /**
   * Decided while the card was still on its way (in the outbox, or being posted): the decided
   * card, rendered for this chat, which whoever posts it sends instead (or right after).
   */
  decidedPayload?: unknown;
  /** When the poster claimed it (epoch ms): a stale claim can be taken over. */
  claimedAt?: number;
  /** The outbox has its post: it lands from there, so nobody takes it over. */
  queued?: boolean;
}

export interface ApprovalCard {
  approvalId: string;
  conversationId: string;
  activityId: string;
  /** The decision the card was last updated to show (absent while pending). */
  shows?: string;
}

const key = (approvalId: string, conversationId: string) => `${approvalId}:${conversationId}`;

/**
 * True for exactly one caller per approval and conversation: that caller posts the card. A
 * claim left by a poster that died before posting (or handing the post to the outbox) is taken
 * over once stale (`STALE_CLAIM_MS`), so a redelivered event still posts the card.
 * @example if (await claimApprovalCard(store, approval.id, conv, clock.now())) rememberApprovalCard(store, approval.id, conv, await send());
 */
export async function claimApprovalCard(
  store: Store,
  approvalId: string,
  conversationId: string,
  now: number,
): Promise<boolean> {
  const k = key(approvalId, conversationId);
  const doc: ApprovalCardDoc = { approvalId, conversationId, claimedAt: now };
  const put = await store.put(APPROVAL_CARDS_COLLECTION, k, doc, {
    etag: null,
    ttlMs: CLAIM_TTL_MS,
  });
  if (put.ok) return true;
  const current = await store.get<ApprovalCardDoc>(APPROVAL_CARDS_COLLECTION, k);
  const v = current?.value;
  const abandoned =
    v !== undefined &&
    v.activityId === undefined &&
    !v.queued &&
    v.decidedPayload === undefined &&
    v.claimedAt !== undefined &&
    now - v.claimedAt >= STALE_CLAIM_MS;
  if (!current || !abandoned) return false;
  const retaken = await store.put(APPROVAL_CARDS_COLLECTION, k, doc, {
    etag: current.etag,
    ttlMs: CLAIM_TTL_MS,
  });
  return retaken.ok;
}

/**
 * Notes that the outbox took a claimed card's post: it lands from there (however long the chat
 * is down), so the claim is kept as long as a card and never taken over.
 * @example await markApprovalCardQueued(store, approval.id, conversationId);
 */
export async function markApprovalCardQueued(
  store: Store,
  approvalId: string,
  conversationId: string,
): Promise<void> {
  const k = key(approvalId, conversationId);
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await store.get<ApprovalCardDoc>(APPROVAL_CARDS_COLLECTION, k);
    if (!current || current.value.activityId !== undefined) return; // landed already
    const put = await store.put(
      APPROVAL_CARDS_COLLECTION,
      k,
      { ...current.value, queued: true },
      { etag: current.etag, ttlMs: TTL_MS },
    );
    if (put.ok) return;
  }
}

/**
 * Records the posted card so the decision can update it in place; `shows` is the decision it
 * was updated to (so a redelivered event does not update it again).
 */
export async function rememberApprovalCard(
  store: Store,
  approvalId: string,
  conversationId: string,
  activityId: string,
  shows?: string,
): Promise<void> {
  const doc: ApprovalCardDoc = {
    approvalId,
    conversationId,
    activityId,
    ...(shows !== undefined && { shows }),
  };
  await store.put(APPROVAL_CARDS_COLLECTION, key(approvalId, conversationId), doc, {
    ttlMs: TTL_MS,
  });
}

/** Every posted card of one approval. */
export async function listApprovalCards(store: Store, approvalId: string): Promise<ApprovalCard[]> {
  const docs = await store.list<ApprovalCardDoc>(APPROVAL_CARDS_COLLECTION, `${approvalId}:`);
  return docs
    .map((d) => d.value)
    .filter((v): v is ApprovalCard => typeof v.activityId === 'string');
}

/**
 * Whether a chat has this approval's card, posted or on its way (claimed, in the outbox): a
 * decision typed there then updates that card, so the typed answer need not repeat it.
 * @example if (await chatHasApprovalCard(store, approval.id, ctx.conversation.id)) reply = note;
 */
export async function chatHasApprovalCard(
  store: Store,
  approvalId: string,
  conversationId: string,
): Promise<boolean> {
  return Boolean(await store.get(APPROVAL_CARDS_COLLECTION, key(approvalId, conversationId)));
}

/**
 * The approval's cards in chats where it was claimed but is not posted yet (in the outbox, or
 * being posted right now), with the version to compare-and-set against.
 */
export async function listUnpostedApprovalCards(
  store: Store,
  approvalId: string,
): Promise<{ conversationId: string; shows?: string; etag: string }[]> {
  const docs = await store.list<ApprovalCardDoc>(APPROVAL_CARDS_COLLECTION, `${approvalId}:`);
  return docs
    .filter((d) => typeof d.value.activityId !== 'string')
    .map((d) => ({
      conversationId: d.value.conversationId,
      ...(d.value.shows !== undefined && { shows: d.value.shows }),
      etag: d.etag,
    }));
}

/**
 * Keeps a decision for a card not posted yet, so it is posted decided (or updated right after
 * it lands) instead of showing Approve/Reject for an approval that is over. False when the card
 * changed meanwhile (it was just posted: update it instead).
 */
export async function holdDecision(
  store: Store,
  approvalId: string,
  conversationId: string,
  decision: string,
  decidedPayload: unknown,
  etag: string,
): Promise<boolean> {
  const doc: ApprovalCardDoc = { approvalId, conversationId, shows: decision, decidedPayload };
  const put = await store.put(APPROVAL_CARDS_COLLECTION, key(approvalId, conversationId), doc, {
    etag,
    ttlMs: TTL_MS,
  });
  return put.ok;
}

/** The decision held for a card not posted yet, if the approval was decided meanwhile. */
export async function heldDecision(
  store: Store,
  approvalId: string,
  conversationId: string,
): Promise<{ shows: string; payload: unknown } | undefined> {
  const doc = await store.get<ApprovalCardDoc>(
    APPROVAL_CARDS_COLLECTION,
    key(approvalId, conversationId),
  );
  const v = doc?.value;
  return v?.shows !== undefined && v.decidedPayload !== undefined && v.activityId === undefined
    ? { shows: v.shows, payload: v.decidedPayload }
    : undefined;
}

/**
 * Records a card that just landed, showing `shows` (absent = pending). When a decision was held
 * for it meanwhile, and the card landed showing something else, resolves that decided card:
 * the caller updates the message with it (the record already says it shows the decision).
 */
export async function settleApprovalCard(
  store: Store,
  approvalId: string,
  conversationId: string,
  activityId: string,
  shows?: string,
): Promise<{ shows: string; payload: unknown } | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const doc = await store.get<ApprovalCardDoc>(
      APPROVAL_CARDS_COLLECTION,
      key(approvalId, conversationId),
    );
    const held =
      doc?.value.decidedPayload !== undefined && doc.value.shows !== shows
        ? { shows: doc.value.shows!, payload: doc.value.decidedPayload }
        : undefined;
    const next: ApprovalCardDoc = {
      approvalId,
      conversationId,
      activityId,
      ...((held?.shows ?? shows) !== undefined && { shows: held?.shows ?? shows }),
    };
    const put = await store.put(APPROVAL_CARDS_COLLECTION, key(approvalId, conversationId), next, {
      etag: doc?.etag ?? null,
      ttlMs: TTL_MS,
    });
    if (put.ok) return held;
  }
  // Several writers at once: record the card anyway, so a later decision can update it.
  await rememberApprovalCard(store, approvalId, conversationId, activityId, shows);
  return undefined;
}
