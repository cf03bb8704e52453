import { APPROVAL_FIXTURES } from '../support/approval-fixtures';
import { FIXTURE_NOW, RUN_FIXTURES } from '../support/run-fixtures';
import { dashboardCardData } from '../../src/cards/dashboard-card-data';
import type { RunSummary } from '../../src/devops/devops-port';

describe('dashboardCardData', () => {
  const dev = (hoursAgo: number): RunSummary => ({
    ...RUN_FIXTURES.succeeded,
    finishedDate: new Date(FIXTURE_NOW - hoursAgo * 3_600_000).toISOString(),
  });

  it.each([
    [2, 'good', /deleted in about 22h 0m/],
    [20, 'warning', /deleted in about 4h 0m/],
    [30, 'attention', /past its 24 h life/],
  ] as const)('DEV deployed %dh ago is %s', (hours, color, text) => {
    const data = dashboardCardData({
      now: FIXTURE_NOW,
      pipelines: [],
      pendingApprovals: [],
      locks: [],
      dev: { lastDeploy: dev(hours), ttlHours: 24 },
    });
    expect(data.devColor).toBe(color);
    expect(data.devText).toMatch(text);
    expect(data.hasDev).toBe(true);
  });

  it('rows for runs, never-run pipelines, approvals with who started them, locks', () => {
    const data = dashboardCardData({
      now: FIXTURE_NOW,
      pipelines: [
        { key: 'prod', name: 'P', latest: RUN_FIXTURES.failed },
        { key: 'qa', name: 'Q', latest: null },
        { key: 'w', name: 'W', latest: RUN_FIXTURES.waiting },
      ],
      pendingApprovals: [APPROVAL_FIXTURES.pending],
      locks: [{ environment: 'QA', lockedBy: 'Lee', reason: '', since: FIXTURE_NOW - 7_200_000 }],
    });
    expect(data.pipelines[0]).toMatchObject({
      icon: '❌',
      result: 'Failed',
      age: '14:27 UTC (3m ago)',
    });
    expect(data.pipelines[1]).toMatchObject({ result: 'Never run', hasUrl: false });
    expect(data.pipelines[2]).toMatchObject({ icon: '⏳', result: 'Waiting for approval' });
    expect(data.approvals[0]?.detail).toContain('started by Alex Wilber');
    expect(data.locks[0]).toEqual({
      environment: 'QA',
      lockedBy: 'Lee',
      reason: 'no reason given',
      age: 'since 12:30 UTC (2h ago)',
    });
    expect(data.hasDev).toBe(false);
  });
});
