import { FAILED_LOG_TAIL, FIXTURE_NOW, RUN_FIXTURES } from '../support/run-fixtures';
import { runCardData, runDisplayState } from '../../src/cards/run-card-data';
import type { RunSummary } from '../../src/devops/devops-port';

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
