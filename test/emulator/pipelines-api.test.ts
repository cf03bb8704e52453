import type { IPipelinesApi } from 'azure-devops-node-api/PipelinesApi';
import type { IBuildApi } from 'azure-devops-node-api/BuildApi';
import {
  RunResult,
  RunState,
  ConfigurationType,
  GetLogExpandOptions,
} from 'azure-devops-node-api/interfaces/PipelinesInterfaces';
import { BuildResult, BuildStatus } from 'azure-devops-node-api/interfaces/BuildInterfaces';
import type { Emulator } from '../../src/emulator/start-emulator';
import { fastEmulator, patApi, rawRequest } from './emulator-fixture';

describe('emulator: Pipelines API through azure-devops-node-api', () => {
  let emu: Emulator;
  let pipelines: IPipelinesApi;
  let build: IBuildApi;
  beforeAll(async () => {
    emu = await fastEmulator();
    const api = patApi(emu);
    pipelines = await api.getPipelinesApi();
    build = await api.getBuildApi();
  });
  afterAll(() => emu.close());

  it('lists and gets the catalog pipelines with deterministic ids', async () => {
    const list = await pipelines.listPipelines(emu.project);
    expect(list.map((p) => p.name)).toEqual(
      expect.arrayContaining(['[Manual]-[Prod]-deployment', '[ML]-Train-Evaluate-Register']),
    );
    expect(list).toHaveLength(7);
    expect(emu.pipelineId('extract-prepare')).toBe(1);
    const prod = await pipelines.getPipeline(emu.project, emu.pipelineId('prod'));
    expect(prod.name).toBe('[Manual]-[Prod]-deployment');
    expect(prod.configuration?.type).toBe(ConfigurationType.Yaml);
    expect(prod._links.web.href).toBe(
      `${emu.orgUrl}/${prod.url?.split('/')[4]}/_build/definition?definitionId=${prod.id}`,
    );
    expect(() => emu.pipelineId('nope')).toThrow(/no pipeline/);
  });

  it('gives null for unknown pipelines and runs (404)', async () => {
    expect(await pipelines.getPipeline(emu.project, 999)).toBeNull();
    expect(await pipelines.getRun(emu.project, emu.pipelineId('qa'), 99999)).toBeNull();
    expect(await build.getBuild(emu.project, 99999)).toBeNull();
  });

  it('runs a pipeline with parameters, branch and variables through to completed/succeeded', async () => {
    const qa = emu.pipelineId('qa');
    const run = await pipelines.runPipeline(
      {
        templateParameters: { modelVersion: '3', chatopsRequestId: 'corr-123' },
        resources: { repositories: { self: { refName: 'release/1.4' } } },
      },
      emu.project,
      qa,
    );
    expect(run.state).toBe(RunState.InProgress);
    expect(run.templateParameters).toEqual({ modelVersion: '3', chatopsRequestId: 'corr-123' });
    const b = await build.getBuild(emu.project, run.id!);
    expect([BuildStatus.NotStarted, BuildStatus.InProgress]).toContain(b.status);
    expect(b.sourceBranch).toBe('refs/heads/release/1.4');
    expect(b.templateParameters).toEqual({ modelVersion: '3', chatopsRequestId: 'corr-123' });
    expect(b.requestedBy?.displayName).toBe('DigitRE ChatOps');
    expect(b._links.web.href).toMatch(new RegExp(`/_build/results\\?buildId=${run.id}$`));
    await emu.engine.waitFor(run.id!, (r) => r.status === 'completed', 5000);
    const done = await pipelines.getRun(emu.project, qa, run.id!);
    expect(done.state).toBe(RunState.Completed); // 4, not the Build API's 2
    expect(done.result).toBe(RunResult.Succeeded); // 1, not the Build API's 2
    expect(done.finishedDate).toBeInstanceOf(Date);
    const doneBuild = await build.getBuild(emu.project, run.id!);
    expect(doneBuild.status).toBe(BuildStatus.Completed);
    expect(doneBuild.result).toBe(BuildResult.Succeeded);
    expect(doneBuild.templateParameters).toMatchObject({ modelVersion: '3' });
    const runs = await pipelines.listRuns(emu.project, qa);
    expect(runs[0]?.id).toBe(run.id);
  });

  it.each([
    [{ modelVersion: '3', colour: 'red' }, /Unexpected parameter 'colour'/],
    [{}, /A value for the 'modelVersion' parameter must be provided/],
  ])('rejects bad parameters %j with 400 PipelineValidationException', async (params, message) => {
    const before = emu.engine.runs().length;
    const err = await pipelines
      .runPipeline(
        { templateParameters: params as Record<string, string> },
        emu.project,
        emu.pipelineId('prod'),
      )
      .then(
        () => undefined,
        (e: { statusCode: number; message: string; result: { typeKey: string } }) => e,
      );
    expect(err?.statusCode).toBe(400);
    expect(err?.message).toMatch(message);
    expect(err?.message).toMatch(
      /^Encountered error\(s\) while parsing pipeline YAML:\n\/pipelines\/prod-deployment.yml: /,
    );
    expect(err?.result.typeKey).toBe('PipelineValidationException');
    expect(emu.engine.runs().length).toBe(before);
  });

  it('checks number parameters by type (the YAML has no min/max; the bot checks those)', async () => {
    const id = emu.pipelineId('dev-cleanup');
    await expect(
      pipelines.runPipeline({ templateParameters: { maxAgeHours: 'x' } }, emu.project, id),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/not a valid Number/),
    });
  });

  it('previewRun returns finalYaml without creating a run, honouring stagesToSkip', async () => {
    const before = emu.engine.runs().length;
    const preview = await pipelines.runPipeline(
      { previewRun: true, templateParameters: { modelVersion: '2' }, stagesToSkip: ['Build'] },
      emu.project,
      emu.pipelineId('prod'),
    );
    expect(preview.finalYaml).toContain('stage: Deploy_Prod');
    expect(preview.finalYaml).not.toContain('stage: Build');
    expect(preview.finalYaml).toContain('MODELVERSION: "2"');
    expect(emu.engine.runs().length).toBe(before);
    const viaPreview = await pipelines.preview(
      { templateParameters: { modelVersion: '2' } },
      emu.project,
      emu.pipelineId('prod'),
    );
    expect(viaPreview.finalYaml).toContain('stage: Build');
  });

  it('skips stages named in stagesToSkip', async () => {
    const run = await pipelines.runPipeline(
      { stagesToSkip: ['EnsureCompute'] },
      emu.project,
      emu.pipelineId('extract-prepare'),
    );
    const done = await emu.engine.waitFor(run.id!, (r) => r.status === 'completed', 5000);
    expect(done.result).toBe('succeeded');
    expect(done.stages.map((s) => s.result)).toEqual(['skipped', 'succeeded', 'succeeded']);
    await expect(
      pipelines.runPipeline(
        { stagesToSkip: ['Nope'] },
        emu.project,
        emu.pipelineId('extract-prepare'),
      ),
    ).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it('lists logs and serves their text through the signed URL', async () => {
    const id = emu.pipelineId('train');
    const runs = await pipelines.listRuns(emu.project, id);
    const seeded = runs[runs.length - 1]!;
    const logs = await pipelines.listLogs(
      emu.project,
      id,
      seeded.id!,
      GetLogExpandOptions.SignedContent,
    );
    expect(logs.logs?.length).toBeGreaterThan(0);
    expect(logs.signedContent?.url).toMatch(/signedlogcontent/);
    const log = await pipelines.getLog(
      emu.project,
      id,
      seeded.id!,
      logs.logs![0]!.id!,
      GetLogExpandOptions.SignedContent,
    );
    expect(log.lineCount).toBeGreaterThan(0);
    const text = await rawRequest(log.signedContent!.url!); // no credentials: the signature is enough
    expect(text.status).toBe(200);
    expect(text.text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z ##\[section\]Starting: /);
    const tampered = await rawRequest(
      log.signedContent!.url!.replace(/urlSignature=[^&]+/, 'urlSignature=bad'),
    );
    expect(tampered.status).toBe(403);
  });
});
