import { shortBranch, type SubscriptionFilter, type SubscriptionFilterInput } from './subscription';

/** A filter's content without id/createdAt, in canonical form (sorted, deduplicated). */
export type FilterContent = Omit<SubscriptionFilter, 'id' | 'createdAt'>;

/**
 * Canonical form, so `qa,prod` and `prod, qa` are the same filter and a duplicate is seen.
 * @example normalizeFilter({ pipelines: ['qa', 'prod', 'qa'] }).pipelines // ['prod', 'qa']
 */
export function normalizeFilter(input: SubscriptionFilterInput): FilterContent {
  const branch =
    input.branch === undefined ? '' : input.branch.trim().replace(/^refs\/heads\//i, '');
  return {
    pipelines: uniqueSorted(input.pipelines),
    environments: uniqueSorted(input.environments),
    events: uniqueSorted(input.events),
    results: uniqueSorted(input.results),
    ...(branch !== '' && { branch }),
  };
}

/** True when two filters ask for the same thing (ids and creation times aside). */
export function sameFilter(a: SubscriptionFilterInput, b: SubscriptionFilterInput): boolean {
  const x = normalizeFilter(a);
  const y = normalizeFilter(b);
  return (
    sameList(x.pipelines, y.pipelines) &&
    sameList(x.environments, y.environments) &&
    sameList(x.events, y.events) &&
    sameList(x.results, y.results) &&
    (x.branch === undefined ? '' : shortBranch(x.branch)) ===
      (y.branch === undefined ? '' : shortBranch(y.branch))
  );
}

function uniqueSorted<T extends string>(list: readonly T[] | undefined): T[] {
  return [...new Set((list ?? []).map((s) => s.trim() as T).filter((s) => s !== ''))].sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
