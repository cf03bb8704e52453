import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { manualClock } from '../../src/clock/clock';
import { DevOpsError } from '../../src/devops/devops-port';
import { InMemoryDevOps } from '../support/in-memory-devops';
import { catalogIndex } from '../../src/catalog/catalog-index';
import { contractCatalog, runDevOpsPortContract, type FailSpec } from './devops-port-contract';

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
const clock = manualClock(Date.parse('2026-11-26T09:00:00Z'));

describe('InMemoryDevOps', () => {
  let devops: InMemoryDevOps;
  beforeEach(() => {
    devops = new InMemoryDevOps(catalog, { clock });
  });

  it('starts with model versions 1..3, newest first', async () => {
    const versions = await devops.modelVersions();
    expect(versions.map((v) => v.version)).toEqual(['3', '2', '1']);
    devops.addModelVersion('4');
    expect((await devops.modelVersions())[0]?.version).toBe('4');
  });

  it('queues a run with the given parameters and records the call', async () => {
    const run = await devops.runPipeline({
      pipelineKey: 'custom-qa',
      parameters: { modelVersion: '3' },
      correlationId: 'c-1',
    });
    expect(run).toMatchObject({
      pipelineKey: 'custom-qa',
      pipelineName: '[Manual]-[Custom-QA]-Deploy',
      state: 'queued',
      branch: 'refs/heads/develop',
      parameters: { modelVersion: '3' },
    });
    expect(devops.calls.map((c) => c.method)).toEqual(['runPipeline']);
    expect(devops.allRuns().find((r) => r.id === run.id)?.correlationId).toBe('c-1');
    const again = await devops.getRun(run.id, { withStages: true });
    expect(again?.stages?.map((s) => s.name)).toEqual(['Build', 'Deploy_CustomQA']);
    expect((await devops.getRun(run.id))?.stages).toBeUndefined();
  });

  it('rejects parameter values Azure DevOps would reject', async () => {
    await expect(
      devops.runPipeline({
        pipelineKey: 'qa',
        parameters: { modelVersion: 'abc' },
        correlationId: 'x',
      }),
    ).rejects.toMatchObject({ code: 'invalidParameter' });
    await expect(
      devops.runPipeline({ pipelineKey: 'qa', parameters: { nope: '1' }, correlationId: 'x' }),
    ).rejects.toMatchObject({ code: 'invalidParameter' });
    await expect(
      devops.runPipeline({ pipelineKey: 'nope', parameters: {}, correlationId: 'x' }),
    ).rejects.toMatchObject({ code: 'notFound' });
  });

  it('walks a prod run through its approval: approve finishes it, reject fails it', async () => {
    const run = await devops.runPipeline({
      pipelineKey: 'prod',
      parameters: { modelVersion: '3' },
      correlationId: 'c-2',
    });
    const approval = devops.advance(run.id, 'waiting');
    expect(approval).toMatchObject({
      status: 'pending',
      environment: 'prod',
      stageName: 'Deploy_Prod',
    });
    expect(approval?.approvers.map((a) => a.id)).toContain('release.manager@digitre.example');
    expect(await devops.pendingApprovals({ environment: 'production' })).toHaveLength(1);
    expect(await devops.pendingApprovals({ environment: 'qa' })).toHaveLength(0);
    const stages = (await devops.getRun(run.id, { withStages: true }))?.stages;
    expect(stages?.map((s) => s.state)).toEqual(['completed', 'waiting']);

    const decided = await devops.decideApproval(approval!.id, 'approved', 'ship it');
    expect(decided).toMatchObject({ status: 'approved', comment: 'ship it' });
    await expect(devops.decideApproval(approval!.id, 'rejected', 'late')).rejects.toMatchObject({
      code: 'conflict',
    });
    devops.advance(run.id, 'succeeded');
    expect(await devops.getRun(run.id)).toMatchObject({ state: 'completed', result: 'succeeded' });

    const second = await devops.runPipeline({
      pipelineKey: 'prod',
      parameters: { modelVersion: '2' },
      correlationId: 'c-3',
    });
    const a2 = devops.advance(second.id, 'waiting');
    await devops.decideApproval(a2!.id, 'rejected', 'metrics look off');
    const rejected = await devops.getRun(second.id, { withStages: true });
    expect(rejected).toMatchObject({ state: 'completed', result: 'failed' });
    expect(rejected?.stages?.[1]?.result).toBe('rejected');
  });

  it('fails the next call of a method once when told to', async () => {
    devops.failWith('listRuns', new DevOpsError('throttled', 'slow down', 5));
    await expect(devops.listRuns()).rejects.toMatchObject({
      code: 'throttled',
      retryAfterSeconds: 5,
    });
    await expect(devops.listRuns()).resolves.toHaveLength(3);
    expect(devops.calls.filter((c) => c.method === 'listRuns')).toHaveLength(2);
  });

  it('lists newest first with per-pipeline and top limits', async () => {
    devops.addRun({ pipelineKey: 'qa', result: 'succeeded' });
    const latest = devops.addRun({ pipelineKey: 'qa', state: 'inProgress' });
    const perPipeline = await devops.listRuns({ perPipeline: 1 });
    expect(perPipeline.map((r) => r.pipelineKey)).toEqual(['qa', 'train']);
    expect(perPipeline[0]?.id).toBe(latest.id);
    expect(await devops.listRuns({ pipelineKey: 'qa', top: 1 })).toHaveLength(1);
    expect((await devops.getRuns([latest.id, 999])).map((r) => r.id)).toEqual([latest.id]);
  });

  it('cancels a running run and refuses a finished one', async () => {
    const run = devops.addRun({ pipelineKey: 'dev', state: 'inProgress' });
    expect((await devops.cancelRun(run.id)).state).toBe('canceling');
    expect(await devops.getRun(run.id)).toMatchObject({ state: 'completed', result: 'canceled' });
    await expect(devops.cancelRun(run.id)).rejects.toMatchObject({ code: 'conflict' });
    await expect(devops.cancelRun(12345)).rejects.toMatchObject({ code: 'notFound' });
  });

  it('gives the failing task log tail of a failed run', async () => {
    const run = devops.addRun({ pipelineKey: 'qa', state: 'inProgress' });
    expect(await devops.failingLogTail(run.id)).toBeNull();
    devops.advance(run.id, 'failed', {
      task: 'Deploy endpoint',
      stage: 'Deploy QA',
      lines: ['a', 'b', 'c'],
    });
    expect(await devops.failingLogTail(run.id, { maxLines: 2 })).toEqual({
      task: 'Deploy endpoint',
      stage: 'Deploy QA',
      lines: ['b', 'c'],
    });
  });

  it('reuses a run already read, like the adapter: build fields as given, stages and failed task fresh', async () => {
    const run = devops.addRun({ pipelineKey: 'qa', state: 'inProgress' });
    const [listed] = await devops.listRuns({ pipelineKey: 'qa', top: 1 });
    devops.advance(run.id, 'failed', { task: 'Deploy endpoint', stage: 'Deploy QA', lines: ['x'] });
    const read = await devops.getRun(run.id, { withStages: true, known: listed! });
    const { stages, failedTask, ...build } = read!;
    expect(build).toEqual(listed);
    expect(stages?.length).toBeGreaterThan(0);
    expect(failedTask).toMatchObject({ task: 'Deploy endpoint', stage: 'Deploy QA' });
    expect((await devops.getRun(run.id, { withStages: true }))?.failedTask).toEqual(failedTask);
    expect(await devops.failingLogTail(run.id, { failedTask: failedTask! })).toEqual({
      task: 'Deploy endpoint',
      stage: 'Deploy QA',
      lines: ['x'],
    });
    await expect(devops.getRun(run.id + 1, { known: listed! })).rejects.toThrow(/as known/);
  });

  it('a waiting stage names its pending approval, as the timeline does', async () => {
    const run = devops.addRun({ pipelineKey: 'prod', state: 'inProgress' });
    const approval = devops.advance(run.id, 'waiting')!;
    const waiting = await devops.getRun(run.id, { withStages: true });
    expect(waiting?.stages?.find((s) => s.state === 'waiting')?.approvalId).toBe(approval.id);
    await devops.decideApproval(approval.id, 'approved', 'ok');
    const after = await devops.getRun(run.id, { withStages: true });
    expect(after?.stages?.some((s) => s.approvalId !== undefined)).toBe(false);
  });

  it('previews without queuing', async () => {
    const preview = await devops.previewRun({
      pipelineKey: 'prod',
      parameters: { modelVersion: '3' },
      stagesToSkip: ['Build'],
    });
    expect(preview.stages).toEqual(['Deploy_Prod']);
    expect(preview.yaml).toContain("modelVersion: '3'");
    expect(devops.allRuns()).toHaveLength(3);
  });
});

/** The fake moves its runs when the contract's levers say so. */
runDevOpsPortContract('InMemoryDevOps', async () => {
  // As the emulator (and Azure DevOps) by default: the bot's own identity approves nothing.
  const fake = new InMemoryDevOps(contractCatalog, { serviceIdentityIsApprover: false });
  const failures = new Map<string, FailSpec[]>();
  const displayName = (pipelineKey: string, stage: string) =>
    catalogIndex(contractCatalog)
      .requirePipeline(pipelineKey)
      .stages.find((s) => s.name === stage)?.displayName ?? stage;
  return {
    devops: fake,
    failNext: (key, failure) => failures.set(key, [...(failures.get(key) ?? []), failure]),
    untilWaiting: async (runId) => {
      fake.advance(runId, 'waiting');
    },
    untilCompleted: async (runId) => {
      const run = fake.allRuns().find((r) => r.id === runId);
      if (!run || run.state === 'completed') return;
      const failure = failures.get(run.pipelineKey ?? '')?.shift();
      if (!failure) return void fake.advance(runId, 'succeeded');
      const { task, lines } = failure;
      fake.advance(runId, 'failed', {
        task,
        stage: displayName(run.pipelineKey!, failure.stage),
        lines,
      });
    },
    close: async () => undefined,
  };
});
