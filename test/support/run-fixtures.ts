import type { LogTail, RunSummary, StageSummary } from '../../src/devops/devops-port';
import type { CardDataMap } from '../../src/cards/card-data';
import { runCardData } from '../../src/cards/run-card-data';

/**
 * Sample runs for the run card, one per state it distinguishes, built through the same builder
 * the handlers use. The other card families' fixtures sit next to this file; `CARD_FIXTURES`
 * (card-fixtures.ts) gathers them.
 */

/** The fixtures' "now": 2026-11-26 14:30 UTC. */
export const FIXTURE_NOW = Date.parse('2026-11-26T14:30:00Z');

export const minutesAgo = (m: number): string => new Date(FIXTURE_NOW - m * 60_000).toISOString();

export type RunFixtureState =
  'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'canceled' | 'rejected';

export const RUN_FIXTURE_STATES: readonly RunFixtureState[] = [
  'queued',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'canceled',
  'rejected',
];

export const PROD_URL = 'https://dev.azure.com/digitre/DigitRE/_build/results?buildId=';

function prodRun(
  id: number,
  state: RunSummary['state'],
  result: RunSummary['result'],
  stages: StageSummary[],
  finishedMinutesAgo?: number,
): RunSummary {
  return {
    id,
    name: `20261126.${id - 4200}`,
    pipelineKey: 'prod',
    pipelineId: 7,
    pipelineName: '[Manual]-[Prod]-deployment',
    state,
    result,
    branch: 'refs/heads/main',
    parameters: { modelVersion: '3' },
    tags: [],
    requestedBy: 'Alex Wilber',
    createdDate: minutesAgo(25),
    finishedDate: finishedMinutesAgo === undefined ? undefined : minutesAgo(finishedMinutesAgo),
    url: `${PROD_URL}${id}`,
    stages,
  };
}

function stage(
  name: string,
  displayName: string,
  state: StageSummary['state'],
  result?: StageSummary['result'],
  startedMinutesAgo?: number,
  finishedMinutesAgo?: number,
): StageSummary {
  return {
    id: `stage-${name}`,
    name,
    displayName,
    state,
    result,
    startTime: startedMinutesAgo === undefined ? undefined : minutesAgo(startedMinutesAgo),
    finishTime: finishedMinutesAgo === undefined ? undefined : minutesAgo(finishedMinutesAgo),
  };
}

/** One prod run per state the card distinguishes. */
export const RUN_FIXTURES: Record<RunFixtureState, RunSummary> = {
  queued: prodRun(4201, 'queued', undefined, [
    stage('Build', 'Build', 'pending'),
    stage('Deploy_Prod', 'Deploy Production', 'pending'),
  ]),
  running: prodRun(4202, 'inProgress', undefined, [
    stage('Build', 'Build', 'inProgress', undefined, 24),
    stage('Deploy_Prod', 'Deploy Production', 'pending'),
  ]),
  waiting: prodRun(4203, 'inProgress', undefined, [
    stage('Build', 'Build', 'completed', 'succeeded', 24, 12),
    stage('Deploy_Prod', 'Deploy Production', 'waiting', undefined, 12),
  ]),
  succeeded: prodRun(
    4204,
    'completed',
    'succeeded',
    [
      stage('Build', 'Build', 'completed', 'succeeded', 24, 12),
      stage('Deploy_Prod', 'Deploy Production', 'completed', 'succeeded', 12, 2),
    ],
    2,
  ),
  failed: prodRun(
    4205,
    'completed',
    'failed',
    [
      stage('Build', 'Build', 'completed', 'succeeded', 24, 12),
      stage('Deploy_Prod', 'Deploy Production', 'completed', 'failed', 12, 3),
      stage('Smoke', 'Smoke tests', 'completed', 'skipped'),
    ],
    3,
  ),
  canceled: prodRun(
    4206,
    'completed',
    'canceled',
    [
      stage('Build', 'Build', 'completed', 'succeeded', 24, 12),
      stage('Deploy_Prod', 'Deploy Production', 'completed', 'canceled', 12, 10),
    ],
    10,
  ),
  rejected: prodRun(
    4207,
    'completed',
    'failed',
    [
      stage('Build', 'Build', 'completed', 'succeeded', 24, 12),
      stage('Deploy_Prod', 'Deploy Production', 'completed', 'rejected', 12, 5),
    ],
    5,
  ),
};

/** The failing task's tail for the failed fixture; one line carries `${...}` on purpose. */
export const FAILED_LOG_TAIL: LogTail = {
  task: 'Deploy endpoint',
  stage: 'Deploy_Prod',
  lines: [
    '2026-11-26T14:26:41Z Creating online deployment blue for endpoint digitre-prod',
    '2026-11-26T14:26:55Z Using model digitre-estimation:3 from ${MODEL_REGISTRY}',
    '2026-11-26T14:27:02Z ERROR: ResourceNotReady: User container has crashed or terminated.',
    '2026-11-26T14:27:02Z ##[error]Script failed with exit code: 1',
  ],
};

/** The approval the waiting fixture run waits on (approval-fixtures.ts builds it). */
export const PENDING_APPROVAL_ID = 'b7f2c1de-0a4e-4a8e-9d0b-5b2f3c9a1e77';

export function runStatusFixtures(): Record<string, CardDataMap['run-status']> {
  const out: Record<string, CardDataMap['run-status']> = {};
  for (const state of RUN_FIXTURE_STATES) {
    out[state] = runCardData(RUN_FIXTURES[state], {
      environment: 'Production',
      requestedBy: 'Alex Wilber',
      now: FIXTURE_NOW,
      logTail: state === 'failed' ? FAILED_LOG_TAIL : null,
      pendingApprovalId: state === 'waiting' ? PENDING_APPROVAL_ID : undefined,
      live:
        state === 'rejected'
          ? `v2 · since 2026-11-25 10:12 UTC · by Alex Wilber · run #4180 · 20261125.2`
          : undefined,
    });
  }
  return out;
}
