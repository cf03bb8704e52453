import type { AccessToken, TokenCredential } from '@azure/identity';
import {
  adapter,
  devops,
  emu,
  jwt,
  nextCorrelation,
  nowSec,
  runsOf,
  sleeps,
  useAdoRig,
  warnings,
} from './ado-devops-rig';

/** The adapter when Azure DevOps misbehaves: throttling, timeouts, drops, 5xx, bad credentials. */
useAdoRig();

describe('AdoDevOps resilience against the emulator', () => {
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

  it('maps a wrong PAT to unauthorized without leaking it', async () => {
    const bad = adapter({ auth: { pat: 'not-the-pat-0123456789' } });
    const p = bad.listRuns();
    await expect(p).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(p).rejects.not.toThrow(/not-the-pat/);
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
});
