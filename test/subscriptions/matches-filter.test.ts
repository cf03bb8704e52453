import { describeFilter } from '../../src/subscriptions/describe-filter';
import { matchesFilter } from '../../src/subscriptions/matches-filter';
import type { RunEventForFilter, SubscriptionFilter } from '../../src/subscriptions/subscription';

const any: Omit<SubscriptionFilter, 'id' | 'createdAt'> = {
  pipelines: [],
  environments: [],
  events: [],
  results: [],
};
const f = (over: Partial<SubscriptionFilter>) => ({ ...any, ...over });
const prodFailedMain = f({ pipelines: ['prod'], results: ['failed'], branch: 'main' });
const done = (over: Partial<RunEventForFilter> = {}): RunEventForFilter => ({
  pipelineKey: 'prod',
  environment: 'prod',
  kind: 'completed',
  result: 'failed',
  branch: 'refs/heads/main',
  ...over,
});

describe('matchesFilter', () => {
  it.each<[string, Omit<SubscriptionFilter, 'id' | 'createdAt'>, RunEventForFilter, boolean]>([
    ['empty filter matches everything', any, { kind: 'started' }, true],
    ['pipeline listed', f({ pipelines: ['qa', 'prod'] }), done(), true],
    ['pipeline not listed', f({ pipelines: ['qa'] }), done(), false],
    ['pipeline unknown on the event', f({ pipelines: ['qa'] }), { kind: 'started' }, false],
    ['environment listed', f({ environments: ['prod'] }), done(), true],
    ['environment not listed', f({ environments: ['qa'] }), done(), false],
    [
      'event kind listed',
      f({ events: ['waitingForApproval'] }),
      done({ kind: 'waitingForApproval' }),
      true,
    ],
    ['event kind not listed', f({ events: ['completed'] }), done({ kind: 'started' }), false],
    ['failures only: failed', prodFailedMain, done(), true],
    ['failures only: succeeded', prodFailedMain, done({ result: 'succeeded' }), false],
    [
      'failures only: a start has no result',
      prodFailedMain,
      done({ kind: 'started', result: undefined }),
      false,
    ],
    ['result case from service hooks', prodFailedMain, done({ result: 'Failed' }), true],
    ['branch without refs/heads on the event', prodFailedMain, done({ branch: 'main' }), true],
    [
      'branch with refs/heads in the filter',
      f({ branch: 'refs/heads/main' }),
      done({ branch: 'main' }),
      true,
    ],
    ['other branch', prodFailedMain, done({ branch: 'refs/heads/develop' }), false],
    [
      'branch prefix is not the branch',
      f({ branch: 'main' }),
      done({ branch: 'refs/heads/main-2' }),
      false,
    ],
    ['branch missing on the event', f({ branch: 'main' }), done({ branch: undefined }), false],
    ['other pipeline, same branch and result', prodFailedMain, done({ pipelineKey: 'qa' }), false],
  ])('%s', (_case, filter, event, expected) => {
    expect(matchesFilter(filter, event)).toBe(expected);
  });
});

describe('describeFilter', () => {
  it.each<[Omit<SubscriptionFilter, 'id' | 'createdAt'>, string]>([
    [prodFailedMain, 'prod runs: failures only, branch main'],
    [any, 'all runs: everything'],
    [
      f({ environments: ['prod'], events: ['waitingForApproval'] }),
      'deploys to prod: approval waits',
    ],
    [
      f({ pipelines: ['qa', 'custom-qa'], environments: ['qa'] }),
      'qa, custom-qa runs in qa: everything',
    ],
    [
      f({ events: ['completed'], results: ['failed', 'canceled'] }),
      'all runs: failures, cancellations only',
    ],
    [f({ events: ['started', 'completed'] }), 'all runs: starts, completions'],
  ])('%j → %s', (filter, text) => {
    expect(describeFilter(filter)).toBe(text);
  });
});
