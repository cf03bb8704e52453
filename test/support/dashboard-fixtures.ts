import type { RunSummary } from '../../src/devops/devops-port';
import type { CardDataMap } from '../../src/cards/card-data';
import { dashboardCardData } from '../../src/cards/dashboard-card-data';
import { APPROVAL_FIXTURES } from './approval-fixtures';
import { FIXTURE_NOW, PROD_URL, RUN_FIXTURES, minutesAgo } from './run-fixtures';

/** The dashboard: pipelines of the catalog with their latest runs, approvals, locks, DEV. */

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

export function dashboardFixtures(): Record<string, CardDataMap['dashboard']> {
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
