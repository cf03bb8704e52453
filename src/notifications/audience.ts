import type { Catalog } from '../catalog/catalog-schema';
import { getDefaultNotificationChannel } from '../conversations/default-notification-channel';
import type { Store } from '../store/store';
import { inDefaultChannelFilter } from '../subscriptions/default-channel-filters';
import { listSubscriptions } from '../subscriptions/list-subscriptions';
import { subscribersFor } from '../subscriptions/subscribers-for';
import type { RunEventForFilter } from '../subscriptions/subscription';

/**
 * Conversations that may get a new card for an event: matching subscriptions, plus the default
 * channel, which hears what a team wants (prod, approvals, failures) unless it chose what to
 * hear with `subscribe`.
 * @example const chats = await audienceFor(store, catalog, filterEvent);
 */
export async function audienceFor(
  store: Store,
  catalog: Catalog,
  filterEvent: RunEventForFilter,
): Promise<string[]> {
  const ids = await subscribersFor(store, filterEvent);
  const fallback = await getDefaultNotificationChannel(store);
  if (
    fallback &&
    !ids.includes(fallback) &&
    inDefaultChannelFilter(catalog, filterEvent) &&
    (await listSubscriptions(store, fallback)).length === 0
  ) {
    ids.push(fallback);
  }
  return ids;
}
