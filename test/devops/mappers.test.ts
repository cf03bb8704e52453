import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { runToSummary, toRunSummary } from '../../src/devops/map-build';
import { requestIdOf } from '../../src/devops/request-id';
import { failedTask, toStages } from '../../src/devops/map-timeline';
import { toApprovalSummary } from '../../src/devops/map-approval';
import type { TimelineLike } from '../../src/devops/wire-types';

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
const ctx = { catalog, orgUrl: 'https://dev.azure.com/fabrikam', project: 'DigitRE' };
const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;

describe('toRunSummary (Build API)', () => {
  it('maps a raw in-progress build', () => {
    const run = toRunSummary(fixture('build-in-progress.json'), ctx);
    expect(run).toEqual({
      id: 4711,
      name: '20250115.3',
      pipelineKey: 'prod',
      pipelineId: 12,
      pipelineName: '[Manual]-[Prod]-deployment',
      state: 'inProgress',
      branch: 'refs/heads/main',
      parameters: { modelVersion: '3' },
      tags: ['chatops'],
      requestedBy: 'Chat Bot',
      requestedFor: {
        displayName: 'Chat Bot',
        id: '79de1729-b775-653a-ac7c-3937c662999d',
        uniqueName: 'bot@contoso.com',
      },
      createdDate: '2025-01-15T10:00:00.123Z',
      url: 'https://dev.azure.com/fabrikam/6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c/_build/results?buildId=4711',
    });
  });

  it('maps node-api numbers and Dates (completed=2, failed=8)', () => {
    const build = {
      ...fixture<object>('build-in-progress.json'),
      status: 2,
      result: 8,
      queueTime: new Date('2025-01-15T10:00:00Z'),
      finishTime: new Date('2025-01-15T10:30:00Z'),
      _links: undefined,
    };
    const run = toRunSummary(build, ctx);
    expect(run.state).toBe('completed');
    expect(run.result).toBe('failed');
    expect(run.finishedDate).toBe('2025-01-15T10:30:00.000Z');
    expect(run.url).toBe('https://dev.azure.com/fabrikam/DigitRE/_build/results?buildId=4711');
  });

  it.each([
    [32, 'queued'],
    ['notStarted', 'queued'],
    [4, 'canceling'],
    ['cancelling', 'canceling'],
  ] as const)('build status %s is %s', (status, state) => {
    expect(toRunSummary({ id: 1, status }, ctx).state).toBe(state);
  });

  it('reads the request id from the run template parameters', () => {
    expect(requestIdOf({ modelVersion: '3', chatopsRequestId: 'corr-1' })).toBe('corr-1');
    expect(requestIdOf({ chatopsRequestId: '' })).toBeUndefined(); // the YAML default
    expect(requestIdOf({ modelVersion: '3' })).toBeUndefined();
    expect(requestIdOf(null)).toBeUndefined();
  });
});

describe('runToSummary (Pipelines API)', () => {
  it('maps a raw completed run', () => {
    const run = runToSummary(fixture('run-completed.json'), ctx);
    expect(run).toMatchObject({
      id: 4711,
      state: 'completed',
      result: 'succeeded',
      branch: 'refs/heads/release/1.4',
      parameters: { environment: 'staging', runTests: 'true' },
      finishedDate: '2025-01-15T10:09:00.000Z',
    });
    expect(run.pipelineKey).toBeUndefined();
  });
  it('uses the Pipelines numbers (completed=4, succeeded=1), not the Build ones', () => {
    expect(runToSummary({ id: 1, state: 4, result: 1 }, ctx)).toMatchObject({
      state: 'completed',
      result: 'succeeded',
    });
    expect(runToSummary({ id: 1, state: 2 }, ctx).state).toBe('canceling');
  });
});

describe('toStages', () => {
  it('orders stages and marks the one blocked on its approval as waiting', () => {
    const stages = toStages(fixture('timeline-waiting.json'));
    expect(stages.map((s) => [s.name, s.state, s.result])).toEqual([
      ['Build', 'completed', 'succeeded'],
      ['Deploy_Prod', 'waiting', undefined],
    ]);
    expect(stages[1]?.displayName).toBe('Deploy Production');
    expect(stages[0]?.finishTime).toBe('2025-01-15T10:04:00.000Z');
    // The Checkpoint.Approval record's id is the Approvals API id: no approvals call needed.
    expect(stages[1]?.approvalId).toBe('ee14f612-6838-43c0-b445-db238ef14153');
    expect(stages[0]).not.toHaveProperty('approvalId');
  });

  it('marks a stage whose approval failed as rejected (node-api numbers)', () => {
    const t = fixture<TimelineLike>('timeline-waiting.json');
    for (const r of t.records ?? []) {
      if (r.id === '96ac2280-8cb4-5df5-99de-dd2da759617d')
        Object.assign(r, { state: 2, result: 2 });
      if (r.type?.startsWith('Checkpoint')) Object.assign(r, { state: 2, result: 2 });
    }
    expect(toStages(t)[1]).toMatchObject({ state: 'completed', result: 'rejected' });
    expect(toStages(t)[1]).not.toHaveProperty('approvalId');
  });

  it('treats TaskResult 0 as succeeded, not as missing', () => {
    const stages = toStages({
      records: [{ id: 's', type: 'Stage', name: 'A', state: 2, result: 0 }],
    });
    expect(stages[0]?.result).toBe('succeeded');
  });
});

describe('failedTask', () => {
  it('finds the failed task, its log and its stage', () => {
    const t = fixture<TimelineLike>('timeline-waiting.json');
    expect(failedTask(t)).toBeUndefined();
    const push = (t.records ?? []).find((r) => r.id === 'task-push');
    Object.assign(push ?? {}, { result: 'failed' });
    expect(failedTask(t)).toEqual({ task: 'Push image', stage: 'Build', logId: 7 });
  });
});

describe('toApprovalSummary', () => {
  it('maps a decided approval and finds its environment and stage in the catalog', () => {
    const a = toApprovalSummary(fixture('approval-decided.json'), catalog);
    expect(a).toEqual({
      id: 'aab27959-a5be-4ee3-97ca-f19b3602cd2f',
      runId: 149350,
      pipelineId: 413,
      pipelineKey: 'prod',
      pipelineName: '[Manual]-[Prod]-deployment',
      status: 'approved',
      instructions: "Check the QA results and the model's evaluation metrics before approving.",
      createdOn: '2020-11-19T09:51:16.703Z',
      approvers: [{ id: '3b3db741-9d03-4e32-a7c0-6c3dfc2013c1', displayName: 'Release Manager' }],
      decidedBy: 'Release Manager',
      decidedOn: '2020-11-19T09:57:54.252505Z',
      comment: 'Approving',
      environment: 'prod',
      stageName: 'Deploy_Prod',
    });
  });
  it('maps timedOut and unknown pipelines', () => {
    const a = toApprovalSummary(
      { id: 'x', status: 'timedOut', pipeline: { name: 'other' } },
      catalog,
    );
    expect(a.status).toBe('timedOut');
    expect(a.pipelineKey).toBeUndefined();
    expect(a.environment).toBeUndefined();
  });
});
