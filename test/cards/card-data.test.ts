import { approvalCardData, MAX_REFRESH_USER_IDS } from '../../src/cards/approval-card-data';
import {
  APPROVAL_FIXTURES,
  FAILED_LOG_TAIL,
  FIXTURE_NOW,
  RUN_FIXTURES,
} from '../support/card-fixtures';
import { confirmCardData } from '../../src/cards/confirm-card-data';
import { dashboardCardData } from '../../src/cards/dashboard-card-data';
import {
  formatAge,
  formatDuration,
  formatRunning,
  formatTimestamp,
  formatWhen,
  shortBranch,
  stateIcon,
} from '../../src/cards/format';
import { runCardData, runDisplayState } from '../../src/cards/run-card-data';
import type { RunSummary } from '../../src/devops/devops-port';

describe('format', () => {
  it.each([
    ['completed', 'succeeded', '✅'],
    ['completed', 'failed', '❌'],
    ['completed', 'skipped', '⏭️'],
    ['completed', 'rejected', '🚫'],
    ['completed', 'canceled', '🚫'],
    ['waiting', undefined, '⏳'],
    ['inProgress', undefined, '🔄'],
    ['pending', undefined, '⏸️'],
  ] as const)('stateIcon(%s, %s) = %s', (state, result, icon) => {
    expect(stateIcon(state, result)).toBe(icon);
  });

  it.each([
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [725_000, '12m 5s'],
    [3_600_000, '1h 0m'],
    [90_061_000, '1d 1h'],
    [-5, '0s'],
    [Number.NaN, '0s'],
  ])('formatDuration(%d) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [10_000, 'just now'],
    [5 * 60_000, '5m ago'],
    [3 * 3_600_000 + 1, '3h ago'],
    [50 * 3_600_000, '2d ago'],
  ])('formatAge(%d) = %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });

  it('formats timestamps in UTC and branches short', () => {
    expect(formatTimestamp('2026-11-26T14:03:27Z')).toBe('2026-11-26 14:03 UTC');
    expect(formatTimestamp('not a date')).toBe('');
    expect(shortBranch('refs/heads/feature/x')).toBe('feature/x');
    expect(shortBranch('refs/pull/12/merge')).toBe('refs/pull/12/merge');
  });

  // Lists and cards stay on screen: "just now" alone goes stale, an absolute time does not.
  it.each([
    ['2026-11-26T14:03:27Z', '2026-11-26T14:05:30Z', '14:03 UTC (2m ago)'],
    ['2026-11-26T14:05:00Z', '2026-11-26T14:05:30Z', '14:05 UTC (just now)'],
    ['2026-11-24T09:00:00Z', '2026-11-26T14:05:30Z', '2026-11-24 09:00 UTC'],
    ['not a date', '2026-11-26T14:05:30Z', ''],
  ])('formatWhen(%s, now %s) = %s', (at, now, text) => {
    expect(formatWhen(at, Date.parse(now))).toBe(text);
  });

  it('a growing duration says when it was measured', () => {
    expect(formatRunning(725_000, Date.parse('2026-11-26T14:15:00Z'))).toBe(
      '12m 5s as of 14:15 UTC',
    );
  });
});

describe('runCardData', () => {
  it('maps a RunSummary field by field', () => {
    const run = RUN_FIXTURES.running;
    const data = runCardData(run, { environment: 'Production', now: FIXTURE_NOW });
    expect(data).toMatchObject({
      displayState: 'running',
      icon: '🔄',
      stateText: 'Running',
      style: 'accent',
      pipelineName: '[Manual]-[Prod]-deployment',
      pipelineKey: 'prod',
      runName: run.name,
      runId: run.id,
      environment: 'Production',
      modelVersion: 'v3',
      branch: 'main',
      requestedBy: 'Alex Wilber',
      startedAt: '2026-11-26 14:05 UTC',
      elapsed: '25m 0s as of 14:30 UTC',
      result: '',
      runUrl: run.url,
      canCancel: true,
      canRetry: false,
      canApprove: false,
      cancelData: { runId: run.id },
      retryData: { runId: run.id },
    });
    expect(data.stages).toEqual([
      { icon: '🔄', name: 'Build', stateText: 'Running', duration: '24m 0s', color: 'accent' },
      {
        icon: '⏸️',
        name: 'Deploy Production',
        stateText: 'Pending',
        duration: '',
        color: 'default',
      },
    ]);
    expect(data.approveData).toBeUndefined();
  });

  it('uses the finish time for finished runs and the overrides given', () => {
    const data = runCardData(RUN_FIXTURES.succeeded, {
      now: FIXTURE_NOW + 3_600_000,
      requestedBy: 'Someone Else',
      webUrl: 'https://example.test/run',
      modelVersion: '7',
    });
    expect(data.elapsed).toBe('23m 0s');
    expect(data.result).toBe('Succeeded');
    expect(data.requestedBy).toBe('Someone Else');
    expect(data.runUrl).toBe('https://example.test/run');
    expect(data.modelVersion).toBe('v7');
    expect(data.environment).toBe('');
  });

  it('Approve/Reject data carry the approval id, and tokens go where they belong', () => {
    const data = runCardData(RUN_FIXTURES.waiting, {
      now: FIXTURE_NOW,
      pendingApprovalId: 'appr-1',
      tokens: { approve: 'sig-a', cancel: 'sig-c' },
    });
    expect(data.canApprove).toBe(true);
    expect(data.approveData).toEqual({ approvalId: 'appr-1', runId: 4203, token: 'sig-a' });
    expect(data.rejectData).toEqual({ approvalId: 'appr-1', runId: 4203 });
    expect(data.cancelData).toEqual({ runId: 4203, token: 'sig-c' });
  });

  it('shows the log tail only for failed runs, last 20 lines, long lines cut', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    lines[29] = 'x'.repeat(1000);
    const failed = runCardData(RUN_FIXTURES.failed, {
      now: FIXTURE_NOW,
      logTail: { ...FAILED_LOG_TAIL, lines },
    });
    expect(failed.showLog).toBe(true);
    expect(failed.logLines).toHaveLength(20);
    expect(failed.logLines[0]).toBe('line 10');
    expect(failed.logLines[19]).toHaveLength(301);
    const ok = runCardData(RUN_FIXTURES.succeeded, { now: FIXTURE_NOW, logTail: FAILED_LOG_TAIL });
    expect(ok.showLog).toBe(false);
    expect(ok.logLines).toEqual([]);
  });

  it.each([
    ['queued', 'queued'],
    ['running', 'running'],
    ['waiting', 'waiting'],
    ['succeeded', 'succeeded'],
    ['failed', 'failed'],
    ['canceled', 'canceled'],
    ['rejected', 'rejected'],
  ] as const)('runDisplayState(%s fixture) = %s', (fixture, state) => {
    expect(runDisplayState(RUN_FIXTURES[fixture])).toBe(state);
  });

  it('a retried run: no Retry button, the result names the retry; a finished run’s duration is final', () => {
    const failed = { ...RUN_FIXTURES.running, state: 'completed', result: 'failed' } as const;
    const finishedDate = new Date(Date.parse(failed.createdDate) + 60_000).toISOString();
    const run = { ...failed, finishedDate };
    expect(runCardData(run, { now: FIXTURE_NOW }).canRetry).toBe(true);
    const data = runCardData(run, { now: FIXTURE_NOW, retriedAs: 4300 });
    expect([data.canRetry, data.result, data.elapsed]).toEqual([
      false,
      'Failed · retried as #4300',
      '1m 0s',
    ]);
  });

  it('a pending approval id alone makes an in-progress run waiting', () => {
    const run: RunSummary = { ...RUN_FIXTURES.running, stages: undefined };
    expect(runDisplayState(run)).toBe('running');
    expect(runDisplayState(run, 'a-1')).toBe('waiting');
    expect(runDisplayState({ ...run, state: 'canceling' })).toBe('canceling');
    expect(runCardData({ ...run, stages: undefined }, { now: FIXTURE_NOW }).hasStages).toBe(false);
  });
});

describe('approvalCardData', () => {
  const extra = { now: FIXTURE_NOW, approverUserIds: ['29:a', '29:b'] };

  it('maps a pending ApprovalSummary for an approver', () => {
    const a = APPROVAL_FIXTURES.pending;
    const data = approvalCardData(a, { ...extra, view: 'approver', runName: '20261126.3' });
    expect(data).toMatchObject({
      view: 'approver',
      isApprover: true,
      isViewer: false,
      isDecided: false,
      statusText: 'Waiting for approval',
      pipelineName: a.pipelineName,
      runName: '#4203 · 20261126.3',
      runId: a.runId,
      stageName: 'Deploy Production',
      environment: 'Production',
      waiting: '12m 0s as of 14:30 UTC',
      approvers: 'DevOps Lead, Release Manager',
      hasInstructions: true,
      approveData: { approvalId: a.id, runId: a.runId },
      rejectData: { approvalId: a.id, runId: a.runId },
      hasRefresh: true,
      refreshUserIds: ['29:a', '29:b'],
      refreshData: { approvalId: a.id, runId: a.runId },
    });
  });

  it('defaults to the viewer view, and a decision overrides any view', () => {
    expect(approvalCardData(APPROVAL_FIXTURES.pending, extra).view).toBe('viewer');
    const done = approvalCardData(APPROVAL_FIXTURES.rejected, { ...extra, view: 'approver' });
    expect(done).toMatchObject({
      view: 'decided',
      isApprover: false,
      isDecided: true,
      statusText: 'Rejected',
      decidedBy: 'Release Manager',
      decidedAt: '2026-11-26 14:29 UTC',
      comment: 'Evaluation metrics regressed; retrain first.',
      hasComment: true,
      hasRefresh: false,
      refreshUserIds: [],
      waiting: '',
    });
  });

  it(`caps refresh.userIds at ${MAX_REFRESH_USER_IDS}, keeping the order given`, () => {
    const ids = Array.from({ length: 75 }, (_, i) => `29:u${i}`);
    const data = approvalCardData(APPROVAL_FIXTURES.pending, {
      now: FIXTURE_NOW,
      approverUserIds: ids,
    });
    expect(data.refreshUserIds).toEqual(ids.slice(0, 60));
  });

  it('without approver ids there is no refresh at all', () => {
    const data = approvalCardData(APPROVAL_FIXTURES.pending, { now: FIXTURE_NOW });
    expect(data.hasRefresh).toBe(false);
  });
});

describe('confirmCardData', () => {
  const base = {
    confirmationId: 'c1',
    title: 'Deploy?',
    summary: 's',
    facts: [],
    stages: ['Build', 'Deploy'],
    requestedBy: 'Alex',
    requesterUserIds: ['29:alex'],
    expiresAt: FIXTURE_NOW + 60_000,
    now: FIXTURE_NOW,
  };

  it('pending: buttons for the requester until it expires', () => {
    expect(confirmCardData({ ...base, state: 'pending', view: 'requester' }).showButtons).toBe(
      true,
    );
    expect(confirmCardData({ ...base, state: 'pending', view: 'viewer' }).showButtons).toBe(false);
    const late = confirmCardData({
      ...base,
      state: 'pending',
      view: 'requester',
      now: base.expiresAt,
    });
    expect(late.showButtons).toBe(false);
    expect(late.expiresText).toMatch(/^Expired at/);
  });

  it('settled: no buttons, no refresh, who and when', () => {
    const d = confirmCardData({
      ...base,
      state: 'confirmed',
      view: 'requester',
      decidedBy: 'Alex',
      decidedAt: FIXTURE_NOW,
      tokens: { confirm: 't' },
    });
    expect(d).toMatchObject({
      isPending: false,
      showButtons: false,
      hasRefresh: false,
      stagesText: 'Build → Deploy',
      confirmData: { confirmationId: 'c1', token: 't' },
    });
    expect(d.decidedText).toContain('Confirmed by Alex at 2026-11-26 14:30 UTC');
  });
});

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

describe('approvalCardData: who decided', () => {
  const base = APPROVAL_FIXTURES.approved;
  it('names the person when the bot recorded the decision for them', () => {
    const d = approvalCardData(
      {
        ...base,
        status: 'approved',
        decidedBy: 'DigitRE ChatOps',
        comment: 'Approved by Rita Release via Teams: ship it',
      },
      { now: Date.now() },
    );
    expect(d.decidedBy).toBe('Rita Release (through DigitRE ChatOps)');
  });
  it('keeps Azure DevOps’ own approver when the person acted as themselves', () => {
    const d = approvalCardData(
      { ...base, status: 'approved', decidedBy: 'Rita Release', comment: 'ship it' },
      { now: Date.now() },
    );
    expect(d.decidedBy).toBe('Rita Release');
  });
});
