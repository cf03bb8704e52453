import type {
  ApprovalSummary,
  LogTail,
  RunSummary,
  StageSummary,
} from '../../src/devops/devops-port';
import { approvalCardData } from '../../src/cards/approval-card-data';
import type { CardDataMap, CardId } from '../../src/cards/card-data';
import { confirmCardData } from '../../src/cards/confirm-card-data';
import { dashboardCardData } from '../../src/cards/dashboard-card-data';
import { runCardData } from '../../src/cards/run-card-data';

/**
 * Realistic sample data for every card and every state, built through the same builders the
 * handlers use. Tests render all of them; the browser test screenshots them; docs show them.
 */

/** The fixtures' "now": 2026-11-26 14:30 UTC. */
export const FIXTURE_NOW = Date.parse('2026-11-26T14:30:00Z');

const minutesAgo = (m: number): string => new Date(FIXTURE_NOW - m * 60_000).toISOString();

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

const PROD_URL = 'https://dev.azure.com/digitre/DigitRE/_build/results?buildId=';

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

export type ApprovalFixtureState = 'pending' | 'approved' | 'rejected';

const APPROVERS = [
  { id: 'a1', displayName: 'DevOps Lead' },
  { id: 'a2', displayName: 'Release Manager' },
];

function approval(status: ApprovalSummary['status']): ApprovalSummary {
  const decided = status !== 'pending';
  return {
    id: 'b7f2c1de-0a4e-4a8e-9d0b-5b2f3c9a1e77',
    runId: 4203,
    pipelineId: 7,
    pipelineKey: 'prod',
    pipelineName: '[Manual]-[Prod]-deployment',
    status,
    instructions: "Check the QA results and the model's evaluation metrics before approving.",
    createdOn: minutesAgo(12),
    approvers: APPROVERS,
    decidedBy: decided ? 'Release Manager' : undefined,
    decidedOn: decided ? minutesAgo(1) : undefined,
    comment:
      status === 'approved'
        ? 'QA green, MAE within 2% of v2.'
        : status === 'rejected'
          ? 'Evaluation metrics regressed; retrain first.'
          : undefined,
    stageName: 'Deploy Production',
    environment: 'Production',
  };
}

export const APPROVAL_FIXTURES: Record<ApprovalFixtureState, ApprovalSummary> = {
  pending: approval('pending'),
  approved: approval('approved'),
  rejected: approval('rejected'),
};

const APPROVER_TEAMS_IDS = ['29:1a-devops-lead', '29:1b-release-manager'];

function runStatusFixtures(): Record<string, CardDataMap['run-status']> {
  const out: Record<string, CardDataMap['run-status']> = {};
  for (const state of RUN_FIXTURE_STATES) {
    out[state] = runCardData(RUN_FIXTURES[state], {
      environment: 'Production',
      requestedBy: 'Alex Wilber',
      now: FIXTURE_NOW,
      logTail: state === 'failed' ? FAILED_LOG_TAIL : null,
      pendingApprovalId: state === 'waiting' ? APPROVAL_FIXTURES.pending.id : undefined,
      live:
        state === 'rejected'
          ? `v2 · since 2026-11-25 10:12 UTC · by Alex Wilber · run #4180 · 20261125.2`
          : undefined,
    });
  }
  return out;
}

function approvalFixtures(): Record<string, CardDataMap['approval']> {
  const common = {
    runName: RUN_FIXTURES.waiting.name,
    modelVersion: '3',
    requestedBy: 'Alex Wilber',
    runUrl: RUN_FIXTURES.waiting.url,
    approverUserIds: APPROVER_TEAMS_IDS,
    now: FIXTURE_NOW,
  };
  return {
    'pending-approver': approvalCardData(APPROVAL_FIXTURES.pending, {
      ...common,
      view: 'approver',
      change: 'v3 → v2, a downgrade',
      branch: 'refs/heads/main',
    }),
    'pending-viewer': approvalCardData(APPROVAL_FIXTURES.pending, { ...common, view: 'viewer' }),
    approved: approvalCardData(APPROVAL_FIXTURES.approved, common),
    rejected: approvalCardData(APPROVAL_FIXTURES.rejected, common),
  };
}

function catalogRun(
  key: string,
  name: string,
  id: number,
  result: RunSummary['result'],
  finishedMinutesAgo: number,
  requestedBy: string,
  parameters: Record<string, string> = {},
): RunSummary {
  return {
    id,
    name: `20261126.${id % 100}`,
    pipelineKey: key,
    pipelineId: id % 100,
    pipelineName: name,
    state: 'completed',
    result,
    branch: 'refs/heads/develop',
    parameters,
    tags: [],
    requestedBy,
    createdDate: minutesAgo(finishedMinutesAgo + 15),
    finishedDate: minutesAgo(finishedMinutesAgo),
    url: `${PROD_URL}${id}`,
  };
}

function dashboardFixtures(): Record<string, CardDataMap['dashboard']> {
  const devDeploy = catalogRun(
    'dev',
    '[DEV]-Build_and_Deploy',
    4190,
    'succeeded',
    20 * 60,
    'ML Engineer',
    { modelVersion: '3' },
  );
  return {
    busy: dashboardCardData({
      now: FIXTURE_NOW,
      pipelines: [
        {
          key: 'extract-prepare',
          name: '[ML]-[Extract-Prepare]',
          latest: catalogRun(
            'extract-prepare',
            '[ML]-[Extract-Prepare]',
            4101,
            'succeeded',
            180,
            'develop CI',
          ),
        },
        {
          key: 'train',
          name: '[ML]-Train-Evaluate-Register',
          latest: catalogRun(
            'train',
            '[ML]-Train-Evaluate-Register',
            4150,
            'failed',
            95,
            'ML Engineer',
          ),
        },
        { key: 'dev', name: '[DEV]-Build_and_Deploy', latest: devDeploy },
        { key: 'dev-cleanup', name: '[Dev]-Delete-After-24Hours', latest: null },
        { key: 'prod', name: '[Manual]-[Prod]-deployment', latest: RUN_FIXTURES.waiting },
      ],
      pendingApprovals: [APPROVAL_FIXTURES.pending],
      locks: [
        {
          environment: 'QA',
          lockedBy: 'DevOps Lead',
          reason: 'regression testing v3',
          since: minutesAgo(45),
        },
      ],
      dev: {
        lastDeploy: devDeploy,
        ttlHours: 24,
        cleanupPipelineName: '[Dev]-Delete-After-24Hours',
      },
      environments: [
        { name: 'DEV', live: devDeploy },
        { name: 'Production', live: RUN_FIXTURES.succeeded },
        { name: 'QA', live: null },
      ],
    }),
    quiet: dashboardCardData({
      now: FIXTURE_NOW,
      pipelines: [{ key: 'qa', name: '[QA]-Deploy', latest: null }],
      pendingApprovals: [],
      locks: [],
      dev: { lastDeploy: null, ttlHours: 24 },
    }),
  };
}

function confirmFixtures(): Record<string, CardDataMap['confirm']> {
  const base = {
    confirmationId: 'c-6f1d2a',
    title: 'Deploy model v3 to Production?',
    summary:
      'This queues [Manual]-[Prod]-deployment on main with model v3. Production approvers are asked next.',
    facts: [
      { title: 'Pipeline', value: '[Manual]-[Prod]-deployment' },
      { title: 'Environment', value: 'Production' },
      { title: 'Model', value: 'v3' },
      { title: 'Branch', value: 'main' },
    ],
    stages: ['Build', 'Deploy Production'],
    requestedBy: 'Alex Wilber',
    requesterUserIds: ['29:1c-alex-wilber'],
    expiresAt: FIXTURE_NOW + 5 * 60_000,
    now: FIXTURE_NOW,
  };
  return {
    'pending-requester': confirmCardData({
      ...base,
      state: 'pending',
      view: 'requester',
      change: 'v3 → v2, a downgrade',
    }),
    'pending-viewer': confirmCardData({ ...base, state: 'pending', view: 'viewer' }),
    confirmed: confirmCardData({
      ...base,
      state: 'confirmed',
      view: 'viewer',
      decidedBy: 'Alex Wilber',
      decidedAt: FIXTURE_NOW + 60_000,
    }),
    cancelled: confirmCardData({
      ...base,
      state: 'cancelled',
      view: 'viewer',
      decidedBy: 'Alex Wilber',
      decidedAt: FIXTURE_NOW + 60_000,
    }),
    expired: confirmCardData({ ...base, state: 'expired', view: 'viewer' }),
  };
}

/**
 * Named sample data for every card. Every run state and approval state is covered.
 * @example renderCard('run-status', CARD_FIXTURES['run-status'].failed!)
 */
export const CARD_FIXTURES: { [K in CardId]: Record<string, CardDataMap[K]> } = {
  'run-status': runStatusFixtures(),
  approval: approvalFixtures(),
  dashboard: dashboardFixtures(),
  help: {
    all: {
      title: 'DigitRE ChatOps commands',
      intro:
        'Mention me in a channel or message me directly. Pipelines: extract-prepare, train, dev, dev-cleanup, qa, custom-qa, prod.',
      commands: [
        {
          usage: 'deploy <environment> [model v<N>] [branch <name>]',
          summary:
            'Deploys a registered model to dev, qa, custom-qa or prod (prod asks to confirm).',
          example: 'deploy custom-qa model v3',
          hasExample: true,
        },
        {
          usage: 'run <pipeline> [name=value ...]',
          summary: 'Queues a catalog pipeline with template parameters.',
          example: 'run train experimentName=digitre-estimation',
          hasExample: true,
        },
        {
          usage: 'approve <environment> [comment]',
          summary: 'Approves the pending approval for an environment.',
          example: 'approve prod QA looks good',
          hasExample: true,
        },
        {
          usage: 'status',
          summary: 'Every pipeline, pending approvals, locks and the DEV environment.',
          example: '',
          hasExample: false,
        },
      ],
      footer: 'Type help <command> for details.',
    },
  },
  confirm: confirmFixtures(),
  'usage-error': {
    'did-you-mean': {
      title: "I couldn't read that deploy command",
      problem: "'custmo-qa' is not an environment.",
      usage: 'deploy <environment> [model v<N>] [branch <name>]',
      example: 'deploy custom-qa model v3',
      hasExample: true,
      suggestions: ['deploy custom-qa model v3', 'deploy qa model v3'],
      hasSuggestions: true,
      suggestedCommands: ['deploy custom-qa model v3'],
      helpHint: 'Type help deploy for details.',
    },
    unknown: {
      title: "I didn't understand that",
      problem: "'frobnicate' is not a command.",
      usage: 'help [command]',
      example: '',
      hasExample: false,
      suggestions: [],
      hasSuggestions: false,
      suggestedCommands: [],
      helpHint: 'Type help to see every command.',
    },
  },
  list: {
    models: {
      title: 'Registered models',
      subtitle: 'From [ML]-Train-Evaluate-Register, newest first',
      columns: [
        { title: 'Version', width: 1 },
        { title: 'Run', width: 2 },
        { title: 'Registered', width: 3 },
      ],
      rows: [
        { cells: ['v3', '20261125.4', '2026-11-25 17:02 UTC'] },
        { cells: ['v2', '20261118.2', '2026-11-18 09:41 UTC'] },
      ],
      hasRows: true,
      emptyText: 'No model registered yet.',
      footer: 'Deploy one with: deploy custom-qa model v3',
    },
    'empty-locks': {
      title: 'Environment locks',
      subtitle: '',
      columns: [
        { title: 'Environment', width: 2 },
        { title: 'Locked by', width: 2 },
        { title: 'Reason', width: 4 },
      ],
      rows: [],
      hasRows: false,
      emptyText: 'No environment is locked.',
      footer: '',
    },
  },
  message: {
    good: {
      title: 'Locked',
      text: 'QA is locked for you: regression testing v3.',
      style: 'good',
      icon: '✅',
      facts: [],
      hasFacts: false,
      linkTitle: '',
      linkUrl: '',
      hasLink: false,
    },
    attention: {
      title: 'Not allowed',
      text: 'Only Production approvers can approve this run.',
      style: 'attention',
      icon: '⛔',
      facts: [{ title: 'Approvers', value: 'DevOps Lead, Release Manager' }],
      hasFacts: true,
      linkTitle: '',
      linkUrl: '',
      hasLink: false,
    },
    warning: {
      title: 'Azure DevOps is slow',
      text: 'Azure DevOps asked us to wait 30s; your run will be queued then.',
      style: 'warning',
      icon: '⚠️',
      facts: [],
      hasFacts: false,
      linkTitle: '',
      linkUrl: '',
      hasLink: false,
    },
    default: {
      title: 'Subscribed',
      text: 'This channel now hears about prod runs and approvals.',
      style: 'default',
      icon: 'ℹ️',
      facts: [{ title: 'Events', value: 'run completed, approval pending' }],
      hasFacts: true,
      linkTitle: 'Open pipeline',
      linkUrl: 'https://dev.azure.com/digitre/DigitRE/_build?definitionId=7',
      hasLink: true,
    },
  },
  notification: {
    'run-completed': {
      icon: '❌',
      title: 'Run failed',
      style: 'attention',
      summary: 'Deploy Production failed in task Deploy endpoint.',
      pipelineName: '[Manual]-[Prod]-deployment',
      runName: RUN_FIXTURES.failed.name,
      facts: [
        { title: 'Environment', value: 'Production' },
        { title: 'Requested by', value: 'Alex Wilber' },
        { title: 'Duration', value: '22m 0s' },
      ],
      hasFacts: true,
      timestamp: '2026-11-26 14:27 UTC',
      linkTitle: 'Open run',
      runUrl: RUN_FIXTURES.failed.url,
      hasLink: true,
    },
    'approval-pending': {
      icon: '⏳',
      title: 'Approval needed for Production',
      style: 'warning',
      summary: 'Alex Wilber wants to deploy model v3.',
      pipelineName: '[Manual]-[Prod]-deployment',
      runName: RUN_FIXTURES.waiting.name,
      facts: [],
      hasFacts: false,
      timestamp: '',
      linkTitle: '',
      runUrl: '',
      hasLink: false,
    },
  },
};
