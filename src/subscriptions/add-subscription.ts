import { randomBytes } from 'node:crypto';
import type { Actor } from '../auth/actor';
import type { Clock } from '../clock/clock';
import { StoreError } from '../store/store-error';
import type { Store } from '../store/store';
import { normalizeFilter, sameFilter } from './normalize-filter';
import {
  type ConversationType,
  type Subscription,
  SUBSCRIPTION_ATTEMPTS,
  SUBSCRIPTIONS_COLLECTION,
  type SubscriptionFilter,
  type SubscriptionFilterInput,
} from './subscription';

export interface AddSubscriptionInput {
  conversationId: string;
  conversationType: ConversationType;
  actor: Pick<Actor, 'id' | 'name'>;
  filter: SubscriptionFilterInput;
}

export type AddSubscriptionResult =
  | { outcome: 'added'; filter: SubscriptionFilter }
  | { outcome: 'duplicate'; filter: SubscriptionFilter };

/**
 * Adds a filter to a conversation's subscription (creating it). A filter equal to one the
 * conversation already has is not added again; the existing one comes back as `duplicate`.
 * @example
 *   const r = await addSubscription(store, clock, {
 *     conversationId, conversationType: 'channel', actor, filter: { pipelines: ['prod'], results: ['failed'] },
 *   });
 *   say(r.outcome === 'added' ? `Subscribed (${r.filter.id})` : 'Already subscribed');
 */
export async function addSubscription(
  store: Store,
  clock: Clock,
  input: AddSubscriptionInput,
): Promise<AddSubscriptionResult> {
  const content = normalizeFilter(input.filter);
  for (let attempt = 0; attempt < SUBSCRIPTION_ATTEMPTS; attempt++) {
    const doc = await store.get<Subscription>(SUBSCRIPTIONS_COLLECTION, input.conversationId);
    const existing = doc?.value.filters ?? [];
    const same = existing.find((f) => sameFilter(f, content));
    if (same) return { outcome: 'duplicate', filter: same };

    const filter: SubscriptionFilter = {
      id: newFilterId(existing),
      ...content,
      createdAt: clock.now(),
    };
    const next: Subscription = doc
      ? { ...doc.value, conversationType: input.conversationType, filters: [...existing, filter] }
      : {
          conversationId: input.conversationId,
          conversationType: input.conversationType,
          createdBy: { id: input.actor.id, name: input.actor.name },
          filters: [filter],
        };
    const put = await store.put(SUBSCRIPTIONS_COLLECTION, input.conversationId, next, {
      etag: doc ? doc.etag : null,
    });
    if (put.ok) return { outcome: 'added', filter };
  }
  throw new StoreError(
    'locked',
    `Subscriptions of ${input.conversationId} kept changing under ${SUBSCRIPTION_ATTEMPTS} attempts; try again.`,
  );
}

/** Short (people type it in `unsubscribe <id>`) and unique within the conversation. */
function newFilterId(existing: readonly SubscriptionFilter[]): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!existing.some((f) => f.id === id)) return id;
  }
}
