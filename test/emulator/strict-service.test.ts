import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IPipelinesApi } from 'azure-devops-node-api/PipelinesApi';
import type { Emulator } from '../../src/emulator/start-emulator';
import { basicPat, fastEmulator, patApi, rawRequest } from './emulator-fixture';

/** The emulator refuses what Azure DevOps refuses, through the real azure-devops-node-api client. */
describe('emulator: as strict as the service', () => {
  let emu: Emulator;
  let pipelines: IPipelinesApi;
  beforeAll(async () => {
    emu = await fastEmulator({ seed: false });
    pipelines = await patApi(emu).getPipelinesApi();
  });
  afterAll(() => emu.close());

  const run = (key: string, body: Parameters<IPipelinesApi['runPipeline']>[0]) =>
    pipelines.runPipeline(body, emu.project, emu.pipelineId(key));

  it('refuses a template parameter the YAML does not declare with 400', async () => {
    const before = emu.engine.runs().length;
    await expect(
      run('qa', { templateParameters: { modelVersion: '3', environmentName: 'qa' } }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(
        /^Encountered error\(s\) while parsing pipeline YAML:\n\/pipelines\/qa-deploy\.yml: Unexpected parameter 'environmentName'/,
      ),
      result: { typeKey: 'PipelineValidationException' },
    });
    expect(emu.engine.runs().length).toBe(before);
  });

  it('accepts chatopsRequestId, which every pipeline declares in pipelines/', async () => {
    const r = await run('qa', {
      templateParameters: { modelVersion: '3', chatopsRequestId: 'r1' },
    });
    expect(r.templateParameters).toEqual({ modelVersion: '3', chatopsRequestId: 'r1' });
  });

  it('refuses a variable not marked settable at queue time with 400 PipelineValidationException', async () => {
    await expect(
      run('qa', {
        templateParameters: { modelVersion: '3' },
        variables: { chatopsCorrelationId: { value: 'c-1' } },
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message:
        "You can't set the following variables (chatopsCorrelationId). If you want to be able to set these variables, then edit the pipeline and select Settable at queue time on the variables tab of the pipeline editor.",
      result: { typeKey: 'PipelineValidationException' },
    });
  });

  it('accepts a variable an admin marked settable', async () => {
    const open = await fastEmulator({ seed: false, settableVariables: ['releaseNotes'] });
    try {
      const api = await patApi(open).getPipelinesApi();
      const r = await api.runPipeline(
        { templateParameters: { modelVersion: '3' }, variables: { releaseNotes: { value: 'x' } } },
        open.project,
        open.pipelineId('qa'),
      );
      expect(r.id).toBeGreaterThan(0);
    } finally {
      await open.close();
    }
  });

  it('refuses an unknown stagesToSkip entry with 400', async () => {
    await expect(
      run('prod', { templateParameters: { modelVersion: '3' }, stagesToSkip: ['Deploy_Prd'] }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/Stage Deploy_Prd not found/),
    });
  });

  it('answers a bad PAT with 203 and the HTML sign-in page without X-TFS-FedAuthRedirect', async () => {
    const url = `${emu.orgUrl}/${emu.project}/_apis/pipelines?api-version=7.1`;
    const bad = basicPat('y'.repeat(52));
    const page = await rawRequest(url, { headers: { Authorization: bad } });
    expect(page.status).toBe(203);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toMatch(/<html/i);
    expect(() => page.json()).toThrow();
    const suppressed = await rawRequest(url, {
      headers: { Authorization: bad, 'X-TFS-FedAuthRedirect': 'Suppress' },
    });
    expect(suppressed.status).toBe(401);
    expect(suppressed.json().typeKey).toBe('UnauthorizedRequestException');
  });

  it('gives the real client (which sends the suppress header) a 401 for a bad PAT', async () => {
    const wrong = patApi(emu, 'z'.repeat(52));
    await expect(
      wrong.getPipelinesApi().then((p) => p.listPipelines(emu.project)),
    ).rejects.toMatchObject({ statusCode: 401 });
  });

  it('holds a PAT to its scopes: read-only cannot queue', async () => {
    const readOnly = await fastEmulator({ seed: false, patScopes: ['vso.build'] });
    try {
      const api = await patApi(readOnly).getPipelinesApi();
      await expect(api.listPipelines(readOnly.project)).resolves.toHaveLength(7);
      await expect(
        api.runPipeline(
          { templateParameters: { modelVersion: '3' } },
          readOnly.project,
          readOnly.pipelineId('qa'),
        ),
      ).rejects.toMatchObject({ statusCode: 401, message: expect.stringMatching(/TF400813/) });
      const hooks = await rawRequest(
        `${readOnly.orgUrl}/_apis/hooks/subscriptions?api-version=7.1`,
        {
          headers: { Authorization: basicPat(readOnly.pat), 'X-TFS-FedAuthRedirect': 'Suppress' },
        },
      );
      expect(hooks.status).toBe(401);
    } finally {
      await readOnly.close();
    }
  });

  it.each([
    ['9.0', /out of range for this server/],
    ['7.2', /under preview/],
    ['seven', /is not valid/],
  ])('refuses api-version %s with 400', async (version, message) => {
    const res = await rawRequest(
      `${emu.orgUrl}/${emu.project}/_apis/pipelines?api-version=${version}`,
      { headers: { Authorization: basicPat(emu.pat) } },
    );
    expect(res.status).toBe(400);
    expect(String(res.json().message)).toMatch(message);
  });

  it.each([
    ['6.0', 400, /under preview/],
    ['5.0-preview.1', 400, /out of range for the Approvals API/],
    ['5.1-preview.1', 200, undefined],
    ['7.1', 200, undefined],
    ['7.2-preview.2', 200, undefined],
  ])('approvals API: api-version %s answers %i', async (version, status, message) => {
    const res = await rawRequest(
      `${emu.orgUrl}/${emu.project}/_apis/pipelines/approvals?api-version=${version}`,
      { headers: { Authorization: basicPat(emu.pat) } },
    );
    expect(res.status).toBe(status);
    if (message) expect(String(res.json().message)).toMatch(message);
  });

  it.each([
    [false, ['Devops Lead', 'Release Manager']],
    [true, ['Devops Lead', 'Release Manager', 'DigitRE ChatOps']],
  ])(
    'assigns approvals to the identities the check names (bot identity an approver: %s)',
    async (serviceIdentityIsApprover, names) => {
      const org = await fastEmulator({ seed: false, serviceIdentityIsApprover });
      try {
        const run = org.queueRun('prod', { modelVersion: '3' });
        const approval = await org.untilWaitingForApproval(run.id);
        expect(approval.steps.map((st) => st.assignedApprover.displayName)).toEqual(names);
        const checks = await rawRequest(
          `${org.orgUrl}/${org.project}/_apis/pipelines/checks/configurations?resourceType=environment&resourceId=4&api-version=7.1-preview.1`,
          { headers: { Authorization: basicPat(org.pat) } },
        );
        const value = checks.json().value as {
          settings: { approvers: { displayName: string }[] };
        }[];
        expect(value[0]!.settings.approvers.map((a) => a.displayName)).toEqual(names);
      } finally {
        await org.close();
      }
    },
  );

  it('reads parameters from the YAML: values and types as the file declares them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pipelines-'));
    cpSync('pipelines', join(root, 'pipelines'), { recursive: true });
    const file = join(root, 'pipelines', 'qa-deploy.yml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '    type: string\n  # Set by',
        "    type: string\n    values: ['1', '2', '3']\n  # Set by",
      ),
    );
    const strict = await fastEmulator({ seed: false, pipelinesRoot: root });
    try {
      const api = await patApi(strict).getPipelinesApi();
      await expect(
        api.runPipeline(
          { templateParameters: { modelVersion: '4' } },
          strict.project,
          strict.pipelineId('qa'),
        ),
      ).rejects.toMatchObject({
        statusCode: 400,
        message: expect.stringMatching(
          /The 'modelVersion' parameter value '4' is not a valid value/,
        ),
      });
    } finally {
      await strict.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
