import type { Store } from '../store/store';
import { listSubscriptions } from './list-subscriptions';
import { matchesFilter } from './matches-filter';
import type { RunEventForFilter } from './subscription';

/**
 * Conversation ids with at least one filter matching `event`, ordered by id; each id once.
 * @example for (const id of await subscribersFor(store, event)) await notify(id, card);
 */
export async function subscribersFor(store: Store, event: RunEventForFilter): Promise<string[]> {
  const subscriptions = await listSubscriptions(store);
  return subscriptions
    .filter((s) => s.filters.some((f) => matchesFilter(f, event)))
    .map((s) => s.conversationId);
}
