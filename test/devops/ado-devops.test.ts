import { join } from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { createAdoDevOps, type AdoDevOps } from '../../src/devops/ado-devops';
import { startEmulator } from '../../src/emulator/start-emulator';

/** The adapter against the emulator over real HTTP, with the real azure-devops-node-api client. */

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
type Emulator = Awaited<ReturnType<typeof startEmulator>>;

let emu: Emulator;
let devops: AdoDevOps;
const sleeps: number[] = [];
const warnings: string[] = [];

/** Retries wait only a little in tests, but we still see what was asked. */
const fastSleep = async (ms: number) => {
  sleeps.push(ms);
  await new Promise((r) => setTimeout(r, Math.min(ms, 20)));
};

function adapter(overrides: Partial<Parameters<typeof createAdoDevOps>[0]> = {}): AdoDevOps {
  return createAdoDevOps({
    orgUrl: emu.orgUrl,
    project: emu.project,
    catalog,
    auth: { pat: emu.pat },
    timeoutMs: 2000,
    retry: { maxAttempts: 4, baseDelayMs: 10 },
    sleep: fastSleep,
    random: () => 0,
    logger: { warn: (_o, msg) => void warnings.push(msg), debug: () => undefined },
    ...overrides,
  });
}

/** An unsigned JWT (the emulator decodes, never verifies) for a catalog person. */
function jwt(upn: string, expSeconds: number): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
    oid: `oid-${upn}`,
    upn,
    name: upn.split('@')[0],
    aud: '499b84ac-1321-427f-aa17-267ca6975798',
    exp: expSeconds,
  })}.sig`;
}

let correlation = 0;
const nextCorrelation = () => `test-corr-${++correlation}-${Date.now()}`;
const runsOf = (key: string) => emu.engine.runs().filter((r) => r.pipelineKey === key);

beforeAll(async () => {
  emu = await startEmulator({ catalog, taskMs: 20, seed: true });
  devops = adapter();
});

afterAll(async () => {
  await emu?.close();
});

beforeEach(() => {
  emu.faults.clear();
  sleeps.length = 0;
  warnings.length = 0;
});

describe('AdoDevOps against the emulator', () => {
  it('queues a run with parameters that reaches completed/succeeded', async () => {
    const run = await devops.runPipeline({
      pipelineKey: 'custom-qa',
      parameters: { modelVersion: '2' },
      correlationId: nextCorrelation(),
    });
    expect(run).toMatchObject({
      pipelineKey: 'custom-qa',
      pipelineName: '[Manual]-[Custom-QA]-Deploy',
      parameters: { modelVersion: '2' },
      branch: 'refs/heads/develop',
    });
    expect(run.id).toBeGreaterThan(0);
    await emu.engine.waitFor(run.id, (r) => r.status === 'completed', 10000);
    const done = await devops.getRun(run.id, { withStages: true });
    expect(done).toMatchObject({ state: 'completed', result: 'succeeded' });
    expect(done?.stages?.map((s) => [s.name, s.state, s.result])).toEqual([
      ['Build', 'completed', 'succeeded'],
      ['Deploy_CustomQA', 'completed', 'succeeded'],
    ]);
  });

  it('warm calls cost one request each (runPipeline, listRuns, getRuns)', async () => {
    await devops.listRuns(); // warm: location discovery and pipeline ids are cached now
    await devops.runPipeline({
      pipelineKey: 'qa',
      parameters: { modelVersion: '1' },
      correlationId: nextCorrelation(),
    });
    emu.requestLog.clear();
    const run = await devops.runPipeline({
      pipelineKey: 'qa',
      parameters: { modelVersion: '1' },
      correlationId: nextCorrelation(),
    });
    expect(emu.requestLog.entries().map((e) => e.method)).toEqual(['POST']);

    emu.requestLog.clear();
    const listed = await devops.listRuns({ perPipeline: 2 });
    expect(emu.requestLog.count()).toBe(1);
    expect(emu.requestLog.count({ method: 'GET', path: /_apis\/build\/builds\?/i })).toBe(1);
    expect(listed.some((r) => r.id === run.id)).toBe(true);
    const perKey = new Map<string, number>();
    for (const r of listed)
      perKey.set(r.pipelineKey ?? '', (perKey.get(r.pipelineKey ?? '') ?? 0) + 1);
    expect(Math.max(...perKey.values())).toBeLessThanOrEqual(2);

    emu.requestLog.clear();
    const both = await devops.getRuns([run.id, listed[listed.length - 1]!.id]);
    expect(both.map((r) => r.id)).toEqual([run.id, listed[listed.length - 1]!.id]);
    expect(emu.requestLog.count()).toBe(1);
  });

  it('pauses a prod run at its approval; approve finishes it, reject fails it', async () => {
    const run = await devops.runPipeline({
      pipelineKey: 'prod',
      parameters: { modelVersion: '3' },
      correlationId: nextCorrelation(),
    });
    await emu.engine.waitFor(run.id, () => emu.engine.pendingApprovals(run.id).length > 0, 10000);
    const waiting = await devops.getRun(run.id, { withStages: true });
    expect(waiting?.state).toBe('inProgress');
    expect(waiting?.stages?.find((s) => s.name === 'Deploy_Prod')?.state).toBe('waiting');

    const pending = await devops.pendingApprovals({ runId: run.id });
    expect(pending).toHaveLength(1);
    // The timeline names the pending approval: cards need no Approvals API call for it.
    expect(waiting?.stages?.find((s) => s.state === 'waiting')?.approvalId).toBe(pending[0]!.id);
    expect(pending[0]).toMatchObject({
      runId: run.id,
      status: 'pending',
      environment: 'prod',
      stageName: 'Deploy_Prod',
      pipelineKey: 'prod',
    });
    expect(pending[0]!.approvers.length).toBeGreaterThan(0);
    expect(
      (await devops.pendingApprovals({ environment: 'production' })).map((a) => a.id),
    ).toContain(pending[0]!.id);
    expect(await devops.pendingApprovals({ environment: 'qa' })).toEqual([]);

    const approver = { bearerToken: jwt('release.manager@digitre.example', nowSec() + 3600) };
    const approved = await devops.decideApproval(
      pending[0]!.id,
      'approved',
      'metrics ok',
      approver,
    );
    expect(approved).toMatchObject({ status: 'approved', comment: 'metrics ok' });
    expect(approved.decidedBy).toMatch(/release/i);
    await emu.engine.waitFor(run.id, (r) => r.status === 'completed', 10000);
    expect(await devops.getRun(run.id)).toMatchObject({ state: 'completed', result: 'succeeded' });

    const second = await devops.runPipeline({
      pipelineKey: 'prod',
      parameters: { modelVersion: '3' },
      correlationId: nextCorrelation(),
    });
    await emu.engine.waitFor(
      second.id,
      () => emu.engine.pendingApprovals(second.id).length > 0,
      10000,
    );
    const [p2] = await devops.pendingApprovals({ runId: second.id });
    const rejected = await devops.decideApproval(p2!.id, 'rejected', 'not today', approver);
    expect(rejected.status).toBe('rejected');
    await emu.engine.waitFor(second.id, (r) => r.status === 'completed', 10000);
    const failed = await devops.getRun(second.id, { withStages: true });
    expect(failed?.result).toBe('failed');
    expect(failed?.stages?.find((s) => s.name === 'Deploy_Prod')?.result).toBe('rejected');
    expect((await devops.getApproval(p2!.id))?.status).toBe('rejected');

    // Deciding again: Microsoft documents no status for it, so whatever 4xx the service
    // answers (the emulator's own 409, or a 400), the adapter re-reads and says conflict.
    await expect(
      devops.decideApproval(p2!.id, 'approved', 'again', approver),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: `approval ${p2!.id} is already rejected`,
    });
    emu.faults.add({ method: 'PATCH', path: /approvals/i, status: 400, times: 1 });
    await expect(
      devops.decideApproval(p2!.id, 'approved', 'again', approver),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('approval decisions: forbidden for a non-approver, notFound for unknown, safe after a timeout', async () => {
    const run = await devops.runPipeline({
      pipelineKey: 'prod',
      parameters: { modelVersion: '1' },
      correlationId: nextCorrelation(),
    });
    await emu.engine.waitFor(run.id, () => emu.engine.pendingApprovals(run.id).length > 0, 10000);
    const [pending] = await devops.pendingApprovals({ runId: run.id });

    // The bot's own identity is not an approver: the user's token must be used.
    const asBot = devops.decideApproval(pending!.id, 'approved', 'by bot');
    await expect(asBot).rejects.toMatchObject({ code: 'forbidden' });
    await expect(asBot).rejects.toThrow(/not an approver/);

    await expect(
      devops.decideApproval('11111111-2222-3333-4444-555555555555', 'approved', 'x', {
        bearerToken: jwt('release.manager@digitre.example', nowSec() + 3600),
      }),
    ).rejects.toMatchObject({ code: 'notFound' });

    // The server records the decision, then the answer is too late: we look, not decide twice.
    emu.faults.add({
      method: 'PATCH',
      path: /approvals/i,
      afterResponse: true,
      latencyMs: 1500,
      times: 1,
    });
    const quick = adapter({ timeoutMs: 400 });
    emu.requestLog.clear();
    const decided = await quick.decideApproval(pending!.id, 'approved', 'late answer', {
      bearerToken: jwt('devops.lead@digitre.example', nowSec() + 3600),
    });
    expect(decided.status).toBe('approved');
    expect(emu.requestLog.count({ method: 'PATCH', path: /approvals/i })).toBe(1);
    await emu.engine.waitFor(run.id, (r) => r.status === 'completed', 10000);
  });

  it('retries a 429 after Retry-After and creates exactly one run', async () => {
    const before = runsOf('dev').length;
    emu.faults.add({
      method: 'POST',
      path: /\/runs/i,
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });
    emu.requestLog.clear();
    const run = await devops.runPipeline({
      pipelineKey: 'dev',
      parameters: { modelVersion: '1' },
      correlationId: nextCorrelation(),
    });
    expect(runsOf('dev').length).toBe(before + 1);
    expect(emu.requestLog.count({ method: 'POST', path: /\/runs/i })).toBe(2);
    // A 429 was not processed: no need to look for a run before retrying.
    expect(emu.requestLog.count({ method: 'GET', path: /_apis\/build\/builds\?/i })).toBe(0);
    expect(sleeps).toContain(1000);
    expect(run.pipelineKey).toBe('dev');
  });

  it('after a timeout on a run the server did create, finds it instead of queuing again', async () => {
    const before = runsOf('extract-prepare').length;
    const correlationId = nextCorrelation();
    emu.faults.add({
      method: 'POST',
      path: /\/runs/i,
      afterResponse: true,
      latencyMs: 1500,
      times: 1,
    });
    const quick = adapter({ timeoutMs: 400 });
    const run = await quick.runPipeline({
      pipelineKey: 'extract-prepare',
      parameters: {},
      correlationId,
    });
    expect(runsOf('extract-prepare').length).toBe(before + 1);
    const created = runsOf('extract-prepare')[0]!;
    expect(run.id).toBe(created.id);
    expect(created.templateParameters['chatopsRequestId']).toBe(correlationId);
    expect(created.variables).toEqual({}); // no queue-time variable: nothing to mark settable
    expect(warnings.some((w) => /found the run/.test(w))).toBe(true);
  });

  it('after a dropped connection before the server acted, queues again (one run)', async () => {
    const before = runsOf('train').length;
    emu.faults.add({ method: 'POST', path: /\/runs/i, drop: true, times: 1 });
    const run = await devops.runPipeline({
      pipelineKey: 'train',
      parameters: {},
      correlationId: nextCorrelation(),
    });
    expect(runsOf('train').length).toBe(before + 1);
    expect(run.id).toBe(runsOf('train')[0]!.id);
  });

  it('honours Retry-After on a 200 before the next call', async () => {
    emu.faults.rateLimitHeaders({ remaining: 150, limit: 200, retryAfterSeconds: 2 });
    try {
      await devops.listRuns({ pipelineKey: 'qa' });
    } finally {
      emu.faults.rateLimitHeaders(null);
    }
    expect(sleeps).toContain(2000);
  });

  it('retries 503 on reads and gives up with unavailable after maxAttempts', async () => {
    emu.faults.add({ method: 'GET', path: /_apis\/build\/builds\?/i, status: 503, times: 1 });
    await expect(devops.listRuns({ pipelineKey: 'qa' })).resolves.toEqual(expect.any(Array));
    emu.faults.add({ method: 'GET', path: /_apis\/build\/builds\?/i, status: 503 });
    emu.requestLog.clear();
    await expect(devops.listRuns({ pipelineKey: 'qa' })).rejects.toMatchObject({
      code: 'unavailable',
    });
    expect(emu.requestLog.count({ method: 'GET', path: /_apis\/build\/builds\?/i })).toBe(4);
  });

  it('cancels a run', async () => {
    const run = await devops.runPipeline({
      pipelineKey: 'dev-cleanup',
      parameters: { maxAgeHours: '48' },
      correlationId: nextCorrelation(),
    });
    const canceling = await devops.cancelRun(run.id);
    expect(['canceling', 'completed']).toContain(canceling.state);
    await emu.engine.waitFor(run.id, (r) => r.status === 'completed', 10000);
    expect(await devops.getRun(run.id)).toMatchObject({ state: 'completed', result: 'canceled' });
  });

  it('gives the last log lines of the failed task', async () => {
    emu.engine.failNext('qa', {
      stage: 'Deploy_QA',
      task: 'Deploy endpoint',
      lines: ['Deploying endpoint digitre-qa', 'quota exceeded for Standard_DS3_v2', 'exit code 1'],
    });
    const run = await devops.runPipeline({
      pipelineKey: 'qa',
      parameters: { modelVersion: '2' },
      correlationId: nextCorrelation(),
    });
    await emu.engine.waitFor(run.id, (r) => r.status === 'completed', 10000);
    expect(await devops.getRun(run.id)).toMatchObject({ result: 'failed' });
    const tail = await devops.failingLogTail(run.id, { maxLines: 4 });
    expect(tail?.task).toBe('Deploy endpoint');
    expect(tail?.stage).toBe('Deploy QA');
    expect(tail?.lines).toHaveLength(4);
    expect(tail?.lines.join('\n')).toContain('quota exceeded for Standard_DS3_v2');
    expect(tail?.lines.join('\n')).not.toContain('Deploying endpoint digitre-qa');
    expect(tail?.lines.some((l) => l.startsWith('##[section]Finishing'))).toBe(false);
    expect(tail?.lines.join('\n')).not.toMatch(/^\d{4}-\d{2}-\d{2}T/m);
  });

  it('reuses a run already read: the timeline is the only call, the log the only other', async () => {
    emu.engine.failNext('qa', {
      stage: 'Deploy_QA',
      task: 'Deploy endpoint',
      lines: ['quota exceeded for Standard_DS3_v2', 'exit code 1'],
    });
    const queued = await devops.runPipeline({
      pipelineKey: 'qa',
      parameters: { modelVersion: '2' },
      correlationId: nextCorrelation(),
    });
    await emu.engine.waitFor(queued.id, (r) => r.status === 'completed', 10000);
    const [listed] = await devops.listRuns({ pipelineKey: 'qa', top: 1 });
    expect(listed?.id).toBe(queued.id);

    emu.requestLog.clear();
    const run = await devops.getRun(queued.id, { withStages: true, known: listed! });
    expect(emu.requestLog.entries().map((e) => e.path.split('?')[0])).toEqual([
      expect.stringMatching(new RegExp(`/_apis/build/builds/${queued.id}/Timeline$`)),
    ]);
    const { stages, failedTask, ...build } = run!;
    expect(build).toEqual(listed); // the build fields as given
    expect(stages?.find((s) => s.name === 'Deploy_QA')?.result).toBe('failed');
    expect(failedTask).toMatchObject({ task: 'Deploy endpoint', stage: 'Deploy QA' });
    expect(await devops.getRun(queued.id, { withStages: true })).toEqual(run);

    emu.requestLog.clear();
    const tail = await devops.failingLogTail(queued.id, { failedTask: failedTask! });
    expect(emu.requestLog.entries().map((e) => e.path.split('?')[0])).toEqual([
      expect.stringMatching(
        new RegExp(`/_apis/build/builds/${queued.id}/logs/${failedTask!.logId}$`),
      ),
    ]);
    expect(tail).toEqual(await devops.failingLogTail(queued.id));

    emu.requestLog.clear();
    expect(await devops.getRun(queued.id, { known: listed! })).toEqual(listed);
    expect(emu.requestLog.count()).toBe(0);
    await expect(devops.getRun(queued.id + 1, { known: listed! })).rejects.toThrow(/as known/);
  });

  it('has no log tail for a run that did not fail', async () => {
    const [ok] = await devops.listRuns({ pipelineKey: 'custom-qa', top: 1 });
    expect(ok).toBeDefined();
    expect(await devops.failingLogTail(ok!.id)).toBeNull();
  });

  it('lists model versions from the training runs tags, newest first, in one call', async () => {
    await devops.modelVersions(); // warm
    emu.requestLog.clear();
    const versions = await devops.modelVersions();
    expect(emu.requestLog.count()).toBe(1);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.every((v) => /^\d+$/.test(v.version))).toBe(true);
    const times = versions.map((v) => Date.parse(v.createdDate));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const tagged = emu.engine
      .runs()
      .filter((r) => r.pipelineKey === 'train' && r.result === 'succeeded')
      .flatMap((r) => r.tags.filter((t) => t.startsWith('model-version:')));
    expect(versions.map((v) => `model-version:${v.version}`).sort()).toEqual(
      [...new Set(tagged)].sort(),
    );
  });

  it("rejects a parameter the pipeline does not declare with the server's message", async () => {
    const p = devops.runPipeline({
      pipelineKey: 'qa',
      parameters: { modelVersion: '3', colour: 'red' },
      correlationId: nextCorrelation(),
    });
    await expect(p).rejects.toMatchObject({ code: 'invalidParameter' });
    await expect(p).rejects.toThrow(/Unexpected parameter 'colour'/);
  });

  it('answers null for an unknown run and notFound for an unknown pipeline key', async () => {
    expect(await devops.getRun(999999)).toBeNull();
    expect(await devops.getApproval('00000000-0000-0000-0000-000000000000')).toBeNull();
    await expect(
      devops.runPipeline({ pipelineKey: 'nope', parameters: {}, correlationId: 'x' }),
    ).rejects.toMatchObject({ code: 'notFound' });
  });

  it('maps a wrong PAT to unauthorized without leaking it', async () => {
    const bad = adapter({ auth: { pat: 'not-the-pat-0123456789' } });
    const p = bad.listRuns();
    await expect(p).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(p).rejects.not.toThrow(/not-the-pat/);
  });

  it('runs as the user (on-behalf-of) when given their token', async () => {
    const user = { bearerToken: jwt('ml.engineer@digitre.example', nowSec() + 3600) };
    const run = await devops.runPipeline(
      {
        pipelineKey: 'custom-qa',
        parameters: { modelVersion: '1' },
        correlationId: nextCorrelation(),
      },
      user,
    );
    expect(emu.engine.run(run.id)?.requestedBy.uniqueName).toBe('ml.engineer@digitre.example');
    expect((await devops.getRun(run.id))?.requestedBy).toBeDefined();
  });

  it('with an Entra credential: sends the bearer token, refreshes once on 401', async () => {
    const issued: string[] = [];
    let n = 0;
    const credential: TokenCredential = {
      getToken: async (): Promise<AccessToken> => {
        n++;
        // The first token is already expired on the server side (401); the second is good.
        const exp = n === 1 ? nowSec() - 60 : nowSec() + 3600;
        const token = jwt('chatops.bot@digitre.example', exp);
        issued.push(token);
        return { token, expiresOnTimestamp: Date.now() + 3600_000 };
      },
    };
    const entra = adapter({ auth: { credential } });
    const runs = await entra.listRuns({ pipelineKey: 'qa', top: 1 });
    expect(runs).toHaveLength(1);
    expect(n).toBe(2);
  });

  it('slows down when X-RateLimit-Remaining runs low', async () => {
    await devops.listRuns(); // warm
    emu.faults.rateLimitHeaders({ remaining: 1, limit: 200 });
    try {
      await devops.listRuns();
      expect(sleeps.some((ms) => ms > 0)).toBe(true);
    } finally {
      emu.faults.rateLimitHeaders(null);
    }
  });

  it('previews the expanded YAML and its stages without queuing', async () => {
    const before = emu.engine.runs().length;
    const preview = await devops.previewRun({
      pipelineKey: 'prod',
      parameters: { modelVersion: '3' },
      stagesToSkip: ['Build'],
    });
    expect(preview.yaml.length).toBeGreaterThan(0);
    expect(preview.stages).not.toContain('Build');
    expect(preview.stages).toContain('Deploy_Prod');
    expect(emu.engine.runs().length).toBe(before);
  });
});

function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}
