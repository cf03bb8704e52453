import { type RunEventForFilter, shortBranch, type SubscriptionFilter } from './subscription';

/**
 * Whether a run event is one the filter asks for. Empty lists match anything; a non-empty
 * list needs the event to carry that field ("failures only" never matches a `started`
 * event, which has no result). Branches match with or without `refs/heads/`.
 * @example matchesFilter(filter, { pipelineKey: 'prod', kind: 'completed', result: 'failed', branch: 'refs/heads/main' })
 */
export function matchesFilter(
  filter: Pick<SubscriptionFilter, 'pipelines' | 'environments' | 'events' | 'results' | 'branch'>,
  event: RunEventForFilter,
): boolean {
  return (
    allows(filter.pipelines, event.pipelineKey) &&
    allows(filter.environments, event.environment) &&
    allows(filter.events, event.kind) &&
    allowsIgnoringCase(filter.results, event.result) &&
    (filter.branch === undefined ||
      (event.branch !== undefined && shortBranch(event.branch) === shortBranch(filter.branch)))
  );
}

function allows(list: readonly string[], value: string | undefined): boolean {
  return list.length === 0 || (value !== undefined && list.includes(value));
}

/** Results arrive as `failed` from the REST API but `Failed` in some service-hook payloads. */
function allowsIgnoringCase(list: readonly string[], value: string | undefined): boolean {
  if (list.length === 0) return true;
  const v = value?.toLowerCase();
  return v !== undefined && list.some((r) => r.toLowerCase() === v);
}
