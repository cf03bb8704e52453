import type { Store } from '../store/store';
import { type Subscription, SUBSCRIPTIONS_COLLECTION } from './subscription';

/**
 * One conversation's subscription (as a list of 0 or 1), or every conversation's, by id.
 * @example const [mine] = await listSubscriptions(store, conversationId);
 */
export async function listSubscriptions(
  store: Store,
  conversationId?: string,
): Promise<Subscription[]> {
  if (conversationId !== undefined) {
    const doc = await store.get<Subscription>(SUBSCRIPTIONS_COLLECTION, conversationId);
    return doc && doc.value.filters.length > 0 ? [doc.value] : [];
  }
  const docs = await store.list<Subscription>(SUBSCRIPTIONS_COLLECTION);
  return docs.map((d) => d.value).filter((s) => s.filters.length > 0);
}
