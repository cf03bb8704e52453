import type { RunEventKind, RunResult, SubscriptionFilter } from './subscription';

const EVENT_WORDS: Record<RunEventKind, string> = {
  started: 'starts',
  stageChanged: 'stage changes',
  waitingForApproval: 'approval waits',
  completed: 'completions',
};

const RESULT_WORDS: Record<RunResult, string> = {
  succeeded: 'successes',
  failed: 'failures',
  canceled: 'cancellations',
  partiallySucceeded: 'partial successes',
};

/**
 * A short sentence for cards and `subscriptions` lists.
 * @example describeFilter({ pipelines: ['prod'], environments: [], events: [], results: ['failed'], branch: 'main' })
 *   // 'prod runs: failures only, branch main'
 */
export function describeFilter(
  filter: Pick<SubscriptionFilter, 'pipelines' | 'environments' | 'events' | 'results' | 'branch'>,
): string {
  const pipelines = filter.pipelines.join(', ');
  const environments = filter.environments.join(', ');
  const subject =
    pipelines && environments
      ? `${pipelines} runs in ${environments}`
      : pipelines
        ? `${pipelines} runs`
        : environments
          ? `deploys to ${environments}`
          : 'all runs';

  const what: string[] = [];
  // Results only come with completions, so "completions, failures only" would say it twice.
  const onlyCompletions = filter.events.length === 1 && filter.events[0] === 'completed';
  if (filter.events.length > 0 && !(onlyCompletions && filter.results.length > 0)) {
    what.push(filter.events.map((e) => EVENT_WORDS[e] ?? e).join(', '));
  }
  if (filter.results.length > 0) {
    what.push(`${filter.results.map((r) => RESULT_WORDS[r] ?? r).join(', ')} only`);
  }
  if (what.length === 0) what.push('everything');
  if (filter.branch !== undefined) what.push(`branch ${filter.branch}`);
  return `${subject}: ${what.join(', ')}`;
}
