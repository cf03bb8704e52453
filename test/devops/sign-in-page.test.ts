import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { createAdoDevOps } from '../../src/devops/ado-devops';
import { HooksClient, HooksApiError } from '../../src/devops/hooks-client';
import { startEmulator, type Emulator } from '../../src/emulator/start-emulator';

const catalog = loadCatalog('config/digitre.yaml');
const noWait = { sleep: () => Promise.resolve() };

/** A front door answering every request with 203 and an HTML sign-in page. */
async function signInServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(203, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!DOCTYPE html><html><body>Sign in to Azure DevOps</body></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/digitre`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('Azure DevOps answers that are not data', () => {
  let front: Awaited<ReturnType<typeof signInServer>>;
  beforeAll(async () => {
    front = await signInServer();
  });
  afterAll(() => front.close());

  it('setup hooks: a 203 sign-in page is an authentication error with a fix, not an empty list', async () => {
    const hooks = new HooksClient({
      orgUrl: front.url,
      project: 'DigitRE',
      auth: { pat: 'p'.repeat(52) },
      ...noWait,
    });
    const err = await hooks.listSubscriptions().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HooksApiError);
    expect(err).toMatchObject({
      status: 401,
      message: expect.stringMatching(/sign-in page.*ADO_PAT/),
    });
  });

  it('the adapter: a sign-in page is unauthorized, never "pipeline not found"', async () => {
    const devops = createAdoDevOps({
      orgUrl: front.url,
      project: 'DigitRE',
      catalog,
      auth: { pat: 'p'.repeat(52) },
      ...noWait,
    });
    const p = devops.runPipeline({
      pipelineKey: 'qa',
      parameters: { modelVersion: '3' },
      correlationId: 'c',
    });
    await expect(p).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(p).rejects.not.toMatchObject({ code: 'notFound' });
  });
});

describe('pipeline names and the hooks transport against the emulator', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({
      catalog,
      taskMs: 20,
      seed: false,
      patScopes: ['vso.build_execute', 'vso.hooks'],
    });
  });
  afterAll(() => emu.close());

  it('finds pipelines by name whatever the case', async () => {
    const shouty = structuredClone(catalog);
    shouty.pipelines.find((p) => p.key === 'qa')!.name = '[qa]-DEPLOY';
    const devops = createAdoDevOps({
      orgUrl: emu.orgUrl,
      project: emu.project,
      catalog: shouty,
      auth: { pat: emu.pat },
    });
    const run = await devops.runPipeline({
      pipelineKey: 'qa',
      parameters: { modelVersion: '3' },
      correlationId: 'case-1',
    });
    expect(run.pipelineKey).toBe('qa');
    expect(emu.engine.run(run.id)?.pipelineKey).toBe('qa');
  });

  it('setup hooks goes through the transport: a PAT without Service Hooks (write) gets a 401 it can show', async () => {
    const hooks = new HooksClient({
      orgUrl: emu.orgUrl,
      project: emu.project,
      auth: { pat: emu.pat },
      ...noWait,
    });
    await expect(hooks.listSubscriptions()).resolves.toEqual([]);
    await expect(
      hooks.createSubscription({
        publisherId: 'pipelines',
        eventType: 'ms.vss-pipelines.run-state-changed-event',
        resourceVersion: '5.1-preview.1',
        publisherInputs: { projectId: await hooks.projectId() },
        consumerInputs: {
          url: 'https://bot.example/api/ado-events',
          basicAuthUsername: 'ado',
          basicAuthPassword: 's',
        },
      }),
    ).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/TF400813/) });
  });
});

/**
 * A front door before the emulator that answers run reads with the sign-in page, as a proxy
 * that loses the credential would: everything else passes through.
 */
async function signInForRuns(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const self = () => `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const server = http.createServer((req, res) => {
    if (/\/_apis\/build\/builds\/\d+/i.test(req.url ?? '')) {
      req.resume();
      res.writeHead(203, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><body>Sign in to Azure DevOps</body></html>');
      return;
    }
    // Location answers name the emulator's own address; point them back at the front door.
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8').split(upstream.host).join(self());
          const { 'content-length': _length, ...headers } = answer.headers;
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('a sign-in page after discovery', () => {
  let emu: Emulator;
  let front: Awaited<ReturnType<typeof signInForRuns>>;
  beforeAll(async () => {
    emu = await startEmulator({ catalog, taskMs: 20, seed: true });
    front = await signInForRuns(emu.orgUrl);
  });
  afterAll(async () => {
    await front.close();
    await emu.close();
  });

  it('a typed client (Build API) answering 203 is unauthorized with the fix, never "no such run"', async () => {
    const devops = createAdoDevOps({
      orgUrl: front.url,
      project: emu.project,
      catalog,
      auth: { pat: emu.pat },
      ...noWait,
    });
    const [latest] = await devops.listRuns({ top: 1 }); // discovery and lists pass through
    expect(latest).toBeDefined();
    const p = devops.getRun(latest!.id);
    await expect(p).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(p).rejects.toThrow(/sign-in page.*ADO_PAT/);
  });
});
