import { StoreError } from '../store/store-error';
import type { Store } from '../store/store';
import { type Subscription, SUBSCRIPTION_ATTEMPTS, SUBSCRIPTIONS_COLLECTION } from './subscription';

export interface RemoveSubscriptionsInput {
  conversationId: string;
  /** One filter; omitted = every filter of the conversation. */
  filterId?: string;
}

/**
 * Removes one filter or all of a conversation's filters; resolves how many were removed
 * (0 when there was nothing to remove — the caller says so).
 * @example const n = await removeSubscriptions(store, { conversationId, filterId: '1f2e3d4c' });
 */
export async function removeSubscriptions(
  store: Store,
  input: RemoveSubscriptionsInput,
): Promise<number> {
  for (let attempt = 0; attempt < SUBSCRIPTION_ATTEMPTS; attempt++) {
    const doc = await store.get<Subscription>(SUBSCRIPTIONS_COLLECTION, input.conversationId);
    if (!doc) return 0;
    const filters = doc.value.filters;
    const keep = input.filterId === undefined ? [] : filters.filter((f) => f.id !== input.filterId);
    const removed = filters.length - keep.length;
    if (removed === 0) return 0;
    const done =
      keep.length === 0
        ? await store.delete(SUBSCRIPTIONS_COLLECTION, input.conversationId, doc.etag)
        : (
            await store.put(
              SUBSCRIPTIONS_COLLECTION,
              input.conversationId,
              { ...doc.value, filters: keep },
              { etag: doc.etag },
            )
          ).ok;
    if (done) return removed;
  }
  throw new StoreError(
    'locked',
    `Subscriptions of ${input.conversationId} kept changing under ${SUBSCRIPTION_ATTEMPTS} attempts; try again.`,
  );
}
