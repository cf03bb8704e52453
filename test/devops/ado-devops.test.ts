import { adapter, devops, emu, jwt, nextCorrelation, nowSec, useAdoRig } from './ado-devops-rig';

/** The adapter against the emulator: what each port method does and what it costs in requests. */
useAdoRig();

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
});
