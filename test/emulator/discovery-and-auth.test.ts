import { WebApi, getBasicHandler } from 'azure-devops-node-api';
import type { Emulator } from '../../src/emulator/start-emulator';
import {
  basicPat,
  bearerApi,
  fastEmulator,
  patApi,
  personJwtClaims,
  rawRequest,
} from './emulator-fixture';

describe('emulator: discovery, auth and robustness', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await fastEmulator({ seed: true });
  });
  afterAll(() => emu.close());

  it('answers the client discovery handshake: OPTIONS Location, ResourceAreas, OPTIONS per area', async () => {
    emu.requestLog.clear();
    const api = patApi(emu);
    const build = await api.getBuildApi();
    const pipelines = await api.getPipelinesApi();
    await build.getBuilds(
      emu.project,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      1,
    );
    await pipelines.listPipelines(emu.project);
    await build.getBuilds(emu.project);
    const log = emu.requestLog.entries().map((e) => `${e.method} ${e.path.split('?')[0]}`);
    expect(log.slice(0, 4)).toEqual([
      'OPTIONS /digitre/_apis/Location',
      'GET /digitre/_apis/ResourceAreas',
      'OPTIONS /digitre/_apis/build',
      'GET /digitre/DigitRE/_apis/build/builds',
    ]);
    // One WebApi: ResourceAreas once, one OPTIONS per area, cached afterwards.
    expect(emu.requestLog.count({ method: 'GET', path: /ResourceAreas/ })).toBe(1);
    expect(emu.requestLog.count({ method: 'OPTIONS', path: /\/_apis\/build$/ })).toBe(1);
    expect(emu.requestLog.count({ method: 'OPTIONS', path: /\/_apis\/pipelines$/ })).toBe(1);
    expect(emu.requestLog.entries().find((e) => e.path.endsWith('/_apis/build'))?.userAgent).toBe(
      'node-Build-api',
    );
  });

  it('OPTIONS answers JSON with the location GUIDs the client looks up', async () => {
    const res = await rawRequest(`${emu.orgUrl}/_apis/BUILD`, {
      method: 'OPTIONS',
      headers: { Accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const ids = (res.json().value as { id: string }[]).map((v) => v.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        '0cd358e1-9217-4d94-8269-1c1ee6f93dcf',
        '8baac422-4c6e-4de5-8532-db96d92acffa',
        '35a80daf-7f30-45fc-86e8-6b813d9c90df',
        '6e6114b2-8161-44c8-8f6c-c5505782427f',
      ]),
    );
    const p = await rawRequest(`${emu.orgUrl}/_apis/pipelines`, { method: 'OPTIONS' });
    expect((p.json().value as { id: string }[]).map((v) => v.id)).toContain(
      '7859261e-d2e9-4a68-b820-a5d84cc5bb3d',
    );
  });

  it('rejects missing and wrong PATs with 401 and WWW-Authenticate', async () => {
    const noAuth = await rawRequest(
      `${emu.orgUrl}/${emu.project}/_apis/build/builds?api-version=7.1`,
      { headers: { 'X-TFS-FedAuthRedirect': 'Suppress' } },
    );
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect(noAuth.json().message).toMatch(/TF400813/);
    const wrong = patApi(emu, 'x'.repeat(52));
    // The first authenticated call of a fresh WebApi is ResourceAreas, inside getBuildApi().
    await expect(wrong.getBuildApi().then((b) => b.getBuilds(emu.project))).rejects.toMatchObject({
      statusCode: 401,
    });
  });

  it('accepts the PAT with any user name, as Basic user:pat', async () => {
    const api = new WebApi(emu.orgUrl, getBasicHandler('someone', emu.pat));
    const build = await api.getBuildApi();
    const builds = await build.getBuilds(emu.project, [emu.pipelineId('qa')]);
    expect(builds.length).toBeGreaterThan(0);
  });

  it('records a bearer caller as themselves and rejects an expired token', async () => {
    const claims = personJwtClaims(
      'ml.engineer@digitre.example',
      'ML Engineer',
      '11111111-2222-3333-4444-555555555555',
    );
    const api = bearerApi(emu, claims);
    const pipelines = await api.getPipelinesApi();
    const run = await pipelines.runPipeline(
      { templateParameters: { modelVersion: '2' } },
      emu.project,
      emu.pipelineId('qa'),
    );
    const build = await (await api.getBuildApi()).getBuild(emu.project, run.id!);
    expect(build.requestedBy?.id).toBe('11111111-2222-3333-4444-555555555555');
    expect(build.requestedFor?.uniqueName).toBe('ml.engineer@digitre.example');
    expect(build.requestedBy?.displayName).toBe('ML Engineer');
    const expired = bearerApi(emu, { ...claims, exp: Math.floor(Date.now() / 1000) - 10 });
    await expect(
      expired.getBuildApi().then((b) => b.getBuild(emu.project, run.id!)),
    ).rejects.toMatchObject({ statusCode: 401 });
  });

  it('answers bad JSON with 400 and an ADO error envelope', async () => {
    const res = await rawRequest(
      `${emu.orgUrl}/${emu.project}/_apis/pipelines/1/runs?api-version=7.1`,
      {
        method: 'POST',
        headers: { Authorization: basicPat(emu.pat), 'Content-Type': 'application/json' },
        body: '{"templateParameters": ',
      },
    );
    expect(res.status).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({ $id: '1', innerException: null, errorCode: 0, eventId: 3000 });
    expect(body.message).toMatch(/not valid JSON/);
    expect(typeof body.typeKey).toBe('string');
  });

  it('requires an api-version on POST and accepts it as a query parameter or in Accept', async () => {
    const url = `${emu.orgUrl}/${emu.project}/_apis/pipelines/${emu.pipelineId('train')}/preview`;
    const headers = { Authorization: basicPat(emu.pat), 'Content-Type': 'application/json' };
    const none = await rawRequest(url, { method: 'POST', headers, body: '{}' });
    expect(none.status).toBe(400);
    expect(none.json().typeKey).toBe('VssVersionNotSpecifiedException');
    const q = await rawRequest(`${url}?api-version=7.1`, { method: 'POST', headers, body: '{}' });
    expect(q.status).toBe(200);
    const a = await rawRequest(url, {
      method: 'POST',
      headers: { ...headers, Accept: 'api-version=7.1-preview.1' },
      body: '{}',
    });
    expect(a.status).toBe(200);
    expect(a.json().finalYaml).toContain('stage: Train');
  });

  it('routes case-insensitively and answers unknown routes with 404 JSON', async () => {
    const auth = { Authorization: basicPat(emu.pat) };
    const ok = await rawRequest(
      `${emu.orgUrl.toUpperCase().replace('HTTP://', 'http://')}/digitre/_APIS/Build/BUILDS?api-version=7.1`,
      { headers: auth },
    );
    expect(ok.status).toBe(200);
    const missing = await rawRequest(`${emu.orgUrl}/${emu.project}/_apis/nothing/here`, {
      headers: auth,
    });
    expect(missing.status).toBe(404);
    expect(missing.json().message).toMatch(/not found/);
    const otherOrg = await rawRequest(
      emu.orgUrl.replace(/digitre$/, 'other') + '/_apis/ResourceAreas',
      { headers: auth },
    );
    expect(otherOrg.status).toBe(404);
    const wrongProject = await rawRequest(`${emu.orgUrl}/Nope/_apis/build/builds`, {
      headers: auth,
    });
    expect(wrongProject.status).toBe(404);
    expect(wrongProject.json().message).toMatch(/TF200016/);
  });

  it('survives garbage input', async () => {
    const auth = { Authorization: basicPat(emu.pat) };
    for (const path of [
      '/%E0%A4%A',
      '/digitre/%ZZ/_apis',
      '/digitre/DigitRE/_apis/build/builds/abc',
      '/',
    ]) {
      const res = await rawRequest(`http://127.0.0.1:${new URL(emu.orgUrl).port}${path}`, {
        headers: auth,
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    const res = await rawRequest(
      `${emu.orgUrl}/${emu.project}/_apis/pipelines/approvals?api-version=7.1`,
      {
        method: 'PATCH',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: '{"not":"an array"}',
      },
    );
    expect(res.status).toBe(400);
  });
});
