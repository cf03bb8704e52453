import type { Store } from '../store/store';

/** Store collection of posted approval cards, key = `${approvalId}:${conversationId}`. */
export const APPROVAL_CARDS_COLLECTION = 'approval-cards';
const TTL_MS = 30 * 24 * 3600_000;
/** A poster that crashed before posting must not block the card for long. */
const CLAIM_TTL_MS = 5 * 60_000;

interface ApprovalCardDoc {
  approvalId: string;
  conversationId: string;
  /** Absent while someone is posting it. */
  activityId?: string;
  /** The decision the card was last updated to show (absent while pending). */
  shows?: string;
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
 * True for exactly one caller per approval and conversation: that caller posts the card.
 * @example if (await claimApprovalCard(store, approval.id, conv)) rememberApprovalCard(store, approval.id, conv, await send());
 */
export async function claimApprovalCard(
  store: Store,
  approvalId: string,
  conversationId: string,
): Promise<boolean> {
  const doc: ApprovalCardDoc = { approvalId, conversationId };
  const put = await store.put(APPROVAL_CARDS_COLLECTION, key(approvalId, conversationId), doc, {
    etag: null,
    ttlMs: CLAIM_TTL_MS,
  });
  return put.ok;
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
