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
