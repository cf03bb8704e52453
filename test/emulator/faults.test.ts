import type { IBuildApi } from 'azure-devops-node-api/BuildApi';
import type { IPipelinesApi } from 'azure-devops-node-api/PipelinesApi';
import type { Emulator } from '../../src/emulator/start-emulator';
import { basicPat, fastEmulator, patApi, rawRequest } from './emulator-fixture';

describe('emulator: fault injection', () => {
  let emu: Emulator;
  let build: IBuildApi;
  let pipelines: IPipelinesApi;
  beforeAll(async () => {
    emu = await fastEmulator();
    const api = patApi(emu);
    build = await api.getBuildApi();
    pipelines = await api.getPipelinesApi();
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it('429 carries Retry-After, X-RateLimit-* and the TF400733 message, then clears after `times`', async () => {
    emu.faults.add({
      method: 'GET',
      path: /_apis\/build\/builds\/\d+$/,
      status: 429,
      retryAfterSeconds: 7,
      times: 1,
    });
    const [b] = await build.getBuilds(emu.project);
    const err = await build.getBuild(emu.project, b!.id!).then(
      () => undefined,
      (e: {
        statusCode: number;
        message: string;
        rateLimit?: Record<string, number | string>;
        responseHeaders?: Record<string, string>;
      }) => e,
    );
    expect(err?.statusCode).toBe(429);
    expect(err?.message).toMatch(/^TF400733: The request has been canceled: Request was blocked/);
    expect(err?.rateLimit).toMatchObject({
      retryAfter: 7,
      remaining: 0,
      limit: 200,
      resource: 'ATCPU',
    });
    expect(Number(err?.rateLimit?.reset)).toBeGreaterThan(Date.now() / 1000);
    expect((await build.getBuild(emu.project, b!.id!)).id).toBe(b!.id); // times: 1
  });

  it('503 answers an ADO envelope (a GET the client retries only when allowRetries is on)', async () => {
    emu.faults.add({ path: /_apis\/build\/builds/, status: 503, retryAfterSeconds: 1 });
    const res = await rawRequest(
      `${emu.orgUrl}/${emu.project}/_apis/build/builds?api-version=7.1`,
      { headers: { Authorization: basicPat(emu.pat) } },
    );
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.json().typeKey).toBe('ServiceUnavailableException');
    await expect(build.getBuilds(emu.project)).rejects.toMatchObject({ statusCode: 503 });
  });

  it('drop destroys the socket', async () => {
    emu.faults.add({ path: /_apis\/build\/builds/, drop: true, times: 1 });
    await expect(build.getBuilds(emu.project)).rejects.toThrow(/socket hang up|ECONNRESET/);
    const entry = emu.requestLog
      .entries()
      .reverse()
      .find((e) => e.path.includes('/build/builds'));
    expect(entry?.status).toBe(0);
  });

  it('afterResponse: the run is created but the caller only sees the dropped connection', async () => {
    const before = emu.engine.runs().length;
    emu.faults.add({ method: 'POST', path: /\/runs/, drop: true, afterResponse: true, times: 1 });
    await expect(pipelines.runPipeline({}, emu.project, emu.pipelineId('train'))).rejects.toThrow();
    expect(emu.engine.runs().length).toBe(before + 1);
  });

  it('latency delays the answer', async () => {
    emu.faults.add({ path: /_apis\/pipelines$/, latencyMs: 150, times: 1 });
    const t0 = Date.now();
    await pipelines.listPipelines(emu.project);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('probability 0 never hits; rate-limit header mode adds X-RateLimit-* to 200s', async () => {
    emu.faults.add({ path: /./, status: 500, probability: 0 });
    emu.faults.rateLimitHeaders({ remaining: 42 });
    const builds = (await build.getBuilds(emu.project)) as unknown as {
      rateLimit?: Record<string, number>;
    };
    expect(builds.rateLimit).toMatchObject({ remaining: 42, limit: 200 });
    emu.faults.rateLimitHeaders(null);
    const plain = (await build.getBuilds(emu.project)) as unknown as { rateLimit?: unknown };
    expect(plain.rateLimit).toBeUndefined();
  });
});
