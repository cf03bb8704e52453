import type { IBuildApi } from 'azure-devops-node-api/BuildApi';
import type { IPipelinesApi } from 'azure-devops-node-api/PipelinesApi';
import {
  BuildQueryOrder,
  BuildResult,
  BuildStatus,
  TaskResult,
  TimelineRecordState,
} from 'azure-devops-node-api/interfaces/BuildInterfaces';
import type { Emulator } from '../../src/emulator/start-emulator';
import { basicPat, fastEmulator, patApi, rawRequest } from './emulator-fixture';

/** getBuilds' positional arguments, named. */
function query(
  build: IBuildApi,
  project: string,
  q: {
    definitions?: number[];
    statusFilter?: BuildStatus;
    resultFilter?: BuildResult;
    tagFilters?: string[];
    top?: number;
    maxBuildsPerDefinition?: number;
    queryOrder?: BuildQueryOrder;
    buildIds?: number[];
  },
) {
  return build.getBuilds(
    project,
    q.definitions,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    q.statusFilter,
    q.resultFilter,
    q.tagFilters,
    undefined,
    q.top,
    undefined,
    q.maxBuildsPerDefinition,
    undefined,
    q.queryOrder,
    undefined,
    q.buildIds,
  );
}

describe('emulator: Build API through azure-devops-node-api', () => {
  let emu: Emulator;
  let build: IBuildApi;
  let pipelines: IPipelinesApi;
  beforeAll(async () => {
    emu = await fastEmulator({ taskMs: 15 });
    const api = patApi(emu);
    build = await api.getBuildApi();
    pipelines = await api.getPipelinesApi();
  });
  afterAll(() => emu.close());

  it('seeds three finished runs per pipeline and model versions 1..3', async () => {
    const all = await build.getBuilds(emu.project);
    expect(all).toHaveLength(21);
    expect(all.every((b) => b.status === BuildStatus.Completed)).toBe(true);
    const train = await query(build, emu.project, { definitions: [emu.pipelineId('train')] });
    expect(train.flatMap((b) => b.tags).sort()).toEqual([
      'model-version:1',
      'model-version:2',
      'model-version:3',
    ]);
    const tagged = await query(build, emu.project, { tagFilters: ['model-version:2'] });
    expect(tagged).toHaveLength(1);
  });

  it('filters by buildIds, definitions, status/result (numbers and names), $top, maxBuildsPerDefinition, queryOrder', async () => {
    const all = await build.getBuilds(emu.project);
    const ids = all.slice(0, 3).map((b) => b.id!);
    expect((await query(build, emu.project, { buildIds: ids })).map((b) => b.id).sort()).toEqual(
      [...ids].sort(),
    );
    const failed = await query(build, emu.project, { resultFilter: BuildResult.Failed });
    expect(failed.length).toBe(6); // middle seed run of every pipeline except train
    expect(failed.every((b) => b.result === BuildResult.Failed)).toBe(true);
    const perDef = await query(build, emu.project, { maxBuildsPerDefinition: 1 });
    expect(new Set(perDef.map((b) => b.definition?.id)).size).toBe(perDef.length);
    expect(perDef).toHaveLength(7);
    expect(await query(build, emu.project, { top: 2 })).toHaveLength(2);
    const asc = await query(build, emu.project, { queryOrder: BuildQueryOrder.QueueTimeAscending });
    expect(asc[0]!.queueTime!.getTime()).toBeLessThanOrEqual(
      asc[asc.length - 1]!.queueTime!.getTime(),
    );
    const inProgress = await query(build, emu.project, { statusFilter: BuildStatus.InProgress });
    expect(inProgress).toHaveLength(0);
    // Raw REST callers send names.
    const byName = await rawRequest(
      `${emu.orgUrl}/${emu.project}/_apis/build/builds?statusFilter=completed&resultFilter=failed&api-version=7.1`,
      {
        headers: { Authorization: basicPat(emu.pat) },
      },
    );
    expect((byName.json().value as unknown[]).length).toBe(6);
    const top = await rawRequest(
      `${emu.orgUrl}/${emu.project}/_apis/build/builds?$top=5&api-version=7.1`,
      { headers: { Authorization: basicPat(emu.pat) } },
    );
    expect(top.headers.get('x-ms-continuationtoken')).toBe('5');
  });

  it('serves the timeline with Stage/Phase/Job/Task records and task logs as text and JSON lines', async () => {
    const run = await pipelines.runPipeline(
      { templateParameters: { modelVersion: '1' } },
      emu.project,
      emu.pipelineId('custom-qa'),
    );
    await emu.engine.waitFor(run.id!, (r) => r.status === 'completed', 5000);
    const tl = await build.getBuildTimeline(emu.project, run.id!);
    const types = new Set(tl.records!.map((r) => r.type));
    expect([...types].sort()).toEqual(['Job', 'Phase', 'Stage', 'Task']);
    const stages = tl.records!.filter((r) => r.type === 'Stage');
    expect(stages.map((s) => s.identifier)).toEqual(['Build', 'Deploy_CustomQA']);
    expect(
      stages.every(
        (s) => s.state === TimelineRecordState.Completed && s.result === TaskResult.Succeeded,
      ),
    ).toBe(true);
    const task = tl.records!.find((r) => r.type === 'Task' && r.name === 'Deploy endpoint')!;
    expect(task.log?.id).toBeGreaterThan(0);
    const logs = await build.getBuildLogs(emu.project, run.id!);
    expect(logs.map((l) => l.id)).toContain(task.log!.id);
    const lines = await build.getBuildLogLines(emu.project, run.id!, task.log!.id!);
    expect(lines[0]).toMatch(/Z ##\[section\]Starting: Deploy endpoint$/);
    const stream = await build.getBuildLog(emu.project, run.id!, task.log!.id!);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toContain(
      '##[section]Finishing: Deploy endpoint',
    );
    const sameTimeline = await build.getBuildTimeline(emu.project, run.id!, tl.id);
    expect(sameTimeline.id).toBe(tl.id);
  });

  it('adds and reads tags (PUT with body null, POST array, PATCH, DELETE)', async () => {
    const [b] = await query(build, emu.project, { top: 1 });
    expect(await build.addBuildTag(emu.project, b!.id!, 'chatops')).toContain('chatops');
    expect(await build.addBuildTags(['x', 'y'], emu.project, b!.id!)).toEqual(
      expect.arrayContaining(['chatops', 'x', 'y']),
    );
    expect(
      await build.updateBuildTags({ tagsToAdd: ['z'], tagsToRemove: ['x'] }, emu.project, b!.id!),
    ).not.toContain('x');
    expect(await build.deleteBuildTag(emu.project, b!.id!, 'y')).not.toContain('y');
    expect((await build.getBuildTags(emu.project, b!.id!)).sort()).toEqual(['chatops', 'z']);
  });

  it('a successful train run registers the next model version tag', async () => {
    const run = await pipelines.runPipeline({}, emu.project, emu.pipelineId('train'));
    await emu.engine.waitFor(run.id!, (r) => r.status === 'completed', 5000);
    expect(await build.getBuildTags(emu.project, run.id!)).toEqual(['model-version:4']);
  });

  it('failNext fails the chosen task with its log lines and skips what follows', async () => {
    emu.engine.failNext('qa', {
      stage: 'Build',
      task: 'Build scoring image',
      lines: ['docker build', 'ERROR: base image not found'],
    });
    const run = await pipelines.runPipeline(
      { templateParameters: { modelVersion: '2' } },
      emu.project,
      emu.pipelineId('qa'),
    );
    await emu.engine.waitFor(run.id!, (r) => r.status === 'completed', 5000);
    const b = await build.getBuild(emu.project, run.id!);
    expect(b.result).toBe(BuildResult.Failed);
    const tl = await build.getBuildTimeline(emu.project, run.id!);
    const failedTask = tl.records!.find(
      (r) => r.type === 'Task' && r.result === TaskResult.Failed,
    )!;
    expect(failedTask.name).toBe('Build scoring image');
    expect(failedTask.issues?.[0]?.message).toBe('ERROR: base image not found');
    expect(tl.records!.find((r) => r.name === 'Push image')?.result).toBe(TaskResult.Skipped);
    expect(tl.records!.find((r) => r.identifier === 'Deploy_QA')?.result).toBe(TaskResult.Skipped);
    const lines = await build.getBuildLogLines(emu.project, run.id!, failedTask.log!.id!);
    expect(lines.join('\n')).toContain('ERROR: base image not found');
    // Only the next run fails.
    const again = await pipelines.runPipeline(
      { templateParameters: { modelVersion: '2' } },
      emu.project,
      emu.pipelineId('qa'),
    );
    expect(
      (await emu.engine.waitFor(again.id!, (r) => r.status === 'completed', 5000)).result,
    ).toBe('succeeded');
  });

  it('cancels a run mid-way (node-api sends status 4; raw REST sends "cancelling")', async () => {
    // Slow tasks here, so the cancel lands mid-stage even on a loaded machine.
    const slow = await fastEmulator({ taskMs: 200, seed: false });
    try {
      await cancelMidRun(slow);
    } finally {
      await slow.close();
    }
  });
});

async function cancelMidRun(emu: Emulator): Promise<void> {
  {
    const api = patApi(emu);
    const build = await api.getBuildApi();
    const pipelines = await api.getPipelinesApi();
    const run = await pipelines.runPipeline({}, emu.project, emu.pipelineId('extract-prepare'));
    await emu.engine.waitFor(run.id!, (r) => r.stages[1]?.state === 'inProgress', 5000);
    const cancelling = await build.updateBuild(
      { status: BuildStatus.Cancelling },
      emu.project,
      run.id!,
    );
    expect(cancelling.status).toBe(BuildStatus.Cancelling);
    await emu.engine.waitFor(run.id!, (r) => r.status === 'completed', 5000);
    const b = await build.getBuild(emu.project, run.id!);
    expect(b.result).toBe(BuildResult.Canceled);
    const tl = await build.getBuildTimeline(emu.project, run.id!);
    expect(tl.records!.find((r) => r.identifier === 'RunPipeline')?.result).toBe(
      TaskResult.Canceled,
    );

    const run2 = await pipelines.runPipeline({}, emu.project, emu.pipelineId('extract-prepare'));
    const raw = await rawRequest(
      `${emu.orgUrl}/${emu.project}/_apis/build/builds/${run2.id}?api-version=7.1`,
      {
        method: 'PATCH',
        headers: { Authorization: basicPat(emu.pat), 'Content-Type': 'application/json' },
        body: JSON.stringify({ status: 'cancelling' }),
      },
    );
    expect(raw.json().status).toBe('cancelling');
    expect((await emu.engine.waitFor(run2.id!, (r) => r.status === 'completed', 5000)).result).toBe(
      'canceled',
    );
  }
}
