import type { Catalog } from '../catalog/catalog-schema';
import { matchesFilter } from './matches-filter';
import type { RunEventForFilter, SubscriptionFilter } from './subscription';

type FilterRule = Pick<
  SubscriptionFilter,
  'pipelines' | 'environments' | 'events' | 'results' | 'branch'
>;

/**
 * What the notifications channel hears until it picks with `subscribe`: what a team wants in
 * its channel, not every dev and QA run. Runs in the guarded environments (those that ask to
 * confirm or need approval: prod), every approval wait and every failure. Lock changes are
 * announced there too (src/locks).
 * @example defaultChannelFilters(catalog) // [{ environments: ['prod'], … }, { events: ['waitingForApproval'], … }, { results: ['failed'], … }]
 */
export function defaultChannelFilters(catalog: Catalog): FilterRule[] {
  const guarded = catalog.environments.filter((e) => e.confirm || e.approval).map((e) => e.key);
  const any = { pipelines: [], environments: [], events: [], results: [] };
  return [
    ...(guarded.length > 0 ? [{ ...any, environments: guarded }] : []),
    { ...any, events: ['waitingForApproval'] },
    { ...any, results: ['failed'] },
  ];
}

/** Whether the notifications channel hears `event` by default. */
export function inDefaultChannelFilter(catalog: Catalog, event: RunEventForFilter): boolean {
  return defaultChannelFilters(catalog).some((f) => matchesFilter(f, event));
}
