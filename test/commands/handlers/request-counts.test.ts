import { join } from 'node:path';
import type { Actor } from '../../../src/auth/actor';
import { CatalogAuthorizer } from '../../../src/auth/authorizer';
import { loadCatalog } from '../../../src/catalog/load-catalog';
import { systemClock } from '../../../src/clock/clock';
import type { CommandDeps } from '../../../src/commands/command-spec';
import { createRegistry } from '../../../src/commands/create-registry';
import { parseCommand } from '../../../src/commands/parse-command';
import type { Reply } from '../../../src/commands/reply';
import { createAdoDevOps } from '../../../src/devops/ado-devops';
import { CachedDevOps } from '../../../src/devops/cached-devops';
import type { RequestLogEntry } from '../../../src/emulator/request-log';
import { startEmulator } from '../../../src/emulator/start-emulator';
import { MemoryStore } from '../../../src/store/memory-store';

/**
 * Issue #10's request targets, pinned per command: the real handlers on the real adapter
 * (`CachedDevOps` over `AdoDevOps`, as the composition root builds it) against the emulator,
 * counting what the emulator served once the client's discovery and caches are warm. A change
 * that adds an Azure DevOps call to a command fails here, not only in the bench.
 */

const catalog = loadCatalog(join(__dirname, '../../../config/digitre.yaml'));
type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const LEAD: Actor = {
  id: 'aad-lead',
  name: 'Dana Lead',
  upn: 'devops.lead@digitre.example',
  aadObjectId: 'aad-lead',
  teamsId: '29:lead',
};

let emu: Emulator;
let deps: CommandDeps;
let store: MemoryStore;
let activities = 0;

beforeAll(async () => {
  emu = await startEmulator({
    catalog,
    taskMs: 30,
    seed: true,
    serviceIdentityIsApprover: true,
  });
  const adapter = createAdoDevOps({
    orgUrl: emu.orgUrl,
    project: emu.project,
    catalog,
    auth: { pat: emu.pat },
    timeoutMs: 5000,
  });
  store = new MemoryStore();
  deps = {
    catalog,
    devops: new CachedDevOps(adapter, systemClock, 600_000),
    store,
    clock: systemClock,
    // Local mode: everyone may do everything, so no count below is a refusal's.
    authorizer: new CatalogAuthorizer(catalog, { localMode: true }),
    registry: createRegistry(),
    localMode: true,
  };
  // Warm: the client's discovery handshake, the pipeline-id cache and the model versions.
  await deps.devops.listRuns({ perPipeline: 1 });
  await deps.devops.modelVersions();
  await deps.devops.pendingApprovals();
});

afterAll(async () => {
  await store?.close();
  await emu?.close();
});

const isHandshake = (e: RequestLogEntry) =>
  e.method === 'OPTIONS' || /\/_apis\/(ResourceAreas|connectionData)/i.test(e.path);

/** `GET build/builds/{id}/Timeline`: what was asked, ids blanked. */
const describe_ = (e: RequestLogEntry) =>
  `${e.method} ${(e.path.split('?')[0] ?? '')
    .replace(/^\/[^/]+\/(?:[^/]+\/)?_apis\//, '')
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '{guid}')
    .replace(/\/\d+(?=\/|$)/g, '/{id}')}`;

/** Runs `text` as LEAD and returns the reply and the Azure DevOps requests it made. */
async function measure(text: string): Promise<{ reply: Reply; requests: string[] }> {
  const parsed = parseCommand(text, deps.registry, { catalog });
  if (!parsed.ok) throw new Error(`"${text}" did not parse: ${parsed.error.problem}`);
  emu.requestLog.clear();
  const reply = await parsed.spec.run(
    parsed.args,
    {
      actor: LEAD,
      conversation: { id: 'conv-req', type: 'channel', channelId: '19:ops@thread.tacv2' },
      activityId: `req-${++activities}`,
    },
    deps,
  );
  const requests = emu.requestLog
    .entries()
    .filter((e) => !isHandshake(e))
    .map(describe_);
  return { reply, requests };
}

const data = (r: Reply) => r.data as unknown as Record<string, unknown>;
const seeded = (key: string, result: 'succeeded' | 'failed') =>
  emu.engine
    .runs()
    .filter((r) => r.pipelineKey === key && r.status === 'completed' && r.result === result)
    .at(-1)!.id;

/** Queues a prod run outside the bot and resolves once it waits for its approval. */
async function prodRunWaiting(): Promise<number> {
  const run = emu.queueRun('prod', { modelVersion: '3' });
  await emu.untilWaitingForApproval(run.id);
  return run.id;
}

describe('Azure DevOps requests per command, warm (issue #10 targets)', () => {
  it('status <run> of a finished run: the build and its timeline (2)', async () => {
    const { reply, requests } = await measure(`status ${seeded('qa', 'succeeded')}`);
    expect(reply.card).toBe('run-status');
    expect(data(reply).hasStages).toBe(true);
    // Side by side, so in either order.
    expect(requests.sort()).toEqual(['GET build/builds/{id}', 'GET build/builds/{id}/Timeline']);
  });

  it('status <run> waiting for approval: Approve/Reject from the timeline, no approvals call (2)', async () => {
    const runId = await prodRunWaiting();
    const { reply, requests } = await measure(`status ${runId}`);
    expect(data(reply)).toMatchObject({ displayState: 'waiting', canApprove: true });
    expect(requests.sort()).toEqual(['GET build/builds/{id}', 'GET build/builds/{id}/Timeline']);
  });

  it('status <run> of a failed run: build, timeline and the failed task’s log, once each (3)', async () => {
    const { reply, requests } = await measure(`status ${seeded('qa', 'failed')}`);
    expect(data(reply)).toMatchObject({ displayState: 'failed', showLog: true });
    expect(requests.sort()).toEqual([
      'GET build/builds/{id}',
      'GET build/builds/{id}/Timeline',
      'GET build/builds/{id}/logs/{id}',
    ]);
  });

  it.each(['status prod', 'status train'])(
    '%s: the latest run as listed, then only its timeline (2)',
    async (text) => {
      const { reply, requests } = await measure(text);
      expect(reply.card).toBe('run-status');
      expect(data(reply)).toMatchObject({ hasStages: true });
      expect(data(reply).runName).not.toBe('');
      expect(data(reply).branch).not.toBe('');
      expect(requests).toEqual(['GET build/builds', 'GET build/builds/{id}/Timeline']);
    },
  );

  it('status (dashboard): runs and approvals (2)', async () => {
    const { reply, requests } = await measure('status');
    expect(reply.card).toBe('dashboard');
    expect(requests.sort()).toEqual(['GET build/builds', 'GET pipelines/approvals']);
  });

  it('logs <failed run>: the build, then the timeline and the failed task’s log, once each (3)', async () => {
    const runId = seeded('dev', 'failed');
    const { reply, requests } = await measure(`logs ${runId}`);
    expect(data(reply)).toMatchObject({ displayState: 'failed', showLog: true, hasStages: true });
    expect(String(data(reply).logTitle)).toMatch(/^Failed task: /);
    expect(data(reply).pipelineName).toBe('[DEV]-Build_and_Deploy');
    expect(requests).toEqual([
      'GET build/builds/{id}',
      'GET build/builds/{id}/Timeline',
      'GET build/builds/{id}/logs/{id}',
    ]);
  });

  it('logs <run that did not fail>: the build says so (1)', async () => {
    const { reply, requests } = await measure(`logs ${seeded('dev', 'succeeded')}`);
    expect(reply.card).toBe('message');
    expect(requests).toEqual(['GET build/builds/{id}']);
  });

  it('cancel <run the bot did not queue>: the permission read, then the cancel; the card is its answer (2)', async () => {
    const runId = await prodRunWaiting();
    const { reply, requests } = await measure(`cancel ${runId}`);
    expect(data(reply)).toMatchObject({ runId, displayState: 'canceling' });
    expect(data(reply).pipelineName).toBe('[Manual]-[Prod]-deployment');
    expect(requests).toEqual(['GET build/builds/{id}', 'PATCH build/builds/{id}']);
  });

  it('cancel <run the bot queued>: the cancel, then its timeline for the stages (2)', async () => {
    const queued = await measure('train');
    const runId = queued.reply.runId!;
    expect(queued.requests).toEqual(['POST pipelines/{id}/runs']);
    const { reply, requests } = await measure(`cancel ${runId}`);
    expect(data(reply)).toMatchObject({ runId, displayState: 'canceling', hasStages: true });
    expect(requests).toEqual(['PATCH build/builds/{id}', 'GET build/builds/{id}/Timeline']);
  });

  it('cancel <finished run the bot queued>: the cancel’s answer says so (1)', async () => {
    const queued = await measure('cleanup dev');
    const runId = queued.reply.runId!;
    await emu.engine.waitFor(runId, (r) => r.status === 'completed', 10_000);
    const { reply, requests } = await measure(`cancel ${runId}`);
    expect(data(reply).title).toBe(`Run ${runId} already finished`);
    expect(requests).toEqual(['PATCH build/builds/{id}']);
  });

  it('deploy <env> (1), approve <run the bot did not queue> (3: who asked is read for no-self-approval)', async () => {
    expect((await measure('deploy qa model v2')).requests).toEqual(['POST pipelines/{id}/runs']);
    const runId = await prodRunWaiting();
    const { reply, requests } = await measure(`approve ${runId} looks good`);
    expect(reply.card).not.toBe('message');
    expect(requests).toContain('GET build/builds/{id}');
    expect(requests.length).toBeLessThanOrEqual(3);
  });
});
