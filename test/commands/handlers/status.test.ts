import { DevOpsError } from '../../../src/devops/devops-port';
import { ENGINEER, STRANGER, cardOf, handlerHarness } from './handler-harness';

describe('status', () => {
  it('status: the dashboard with every catalog pipeline, approvals and locks', async () => {
    const h = handlerHarness();
    h.devops.addRun({ pipelineKey: 'qa', result: 'failed' });
    const prod = h.devops.addRun({ pipelineKey: 'prod', parameters: { modelVersion: '3' } });
    h.devops.advance(prod.id, 'waiting');
    await h.run('lock qa investigating', { actor: ENGINEER });
    const card = cardOf(await h.run('status'), 'dashboard');
    expect(card.title).toBe('DigitRE pipelines');
    expect(card.pipelines.map((p) => p.key)).toEqual(h.catalog.pipelines.map((p) => p.key));
    expect(card.pipelines.find((p) => p.key === 'qa')!.result).toMatch(/Failed/i);
    expect(card.hasApprovals).toBe(true);
    expect(card.approvals).toHaveLength(1);
    expect(card.locks).toEqual([
      expect.objectContaining({
        environment: 'QA',
        lockedBy: 'Eli Engineer',
        reason: 'investigating',
      }),
    ]);
    expect(card.hasDev).toBe(true);
  });

  it('status prod leads with what prod runs now, not the rejected deploy after it', async () => {
    const h = handlerHarness();
    const v2 = h.devops.addRun({
      pipelineKey: 'prod',
      result: 'succeeded',
      parameters: { modelVersion: '2' },
      finishedDate: '2026-03-01T14:02:00Z',
    });
    await h.rememberRun(v2.id, ENGINEER, { model: '2' });
    const v3 = h.devops.addRun({ pipelineKey: 'prod', parameters: { modelVersion: '3' } });
    await h.devops.decideApproval(h.devops.advance(v3.id, 'waiting')!.id, 'rejected', 'no');
    const card = cardOf(await h.run('status prod'), 'run-status');
    expect(card.runId).toBe(v3.id);
    expect(card.displayState).toBe('rejected');
    expect(card.live).toBe(
      `v2 · since 2026-03-01 14:02 UTC · by Eli Engineer · run #${v2.id} · ${v2.name}`,
    );
    expect(cardOf(await h.run('status train'), 'run-status').live).toBe('');
  });

  it('status prod: the latest prod run’s card', async () => {
    const h = handlerHarness();
    h.devops.addRun({ pipelineKey: 'prod', result: 'succeeded' });
    const latest = h.devops.addRun({ pipelineKey: 'prod', result: 'failed' });
    h.resetCalls();
    const card = cardOf(await h.run('status prod'), 'run-status');
    expect(card.runId).toBe(latest.id);
    expect(card.environment).toBe('Production');
    // The listed run is reused: only its timeline is read, not the build again.
    expect(h.methods()).toEqual(['listRuns', 'getRun']);
    expect(h.devops.calls[1]!.args[1]).toMatchObject({
      withStages: true,
      known: { id: latest.id },
    });
  });

  it('status <run> waiting for approval: Approve/Reject from the run’s timeline, no approvals call', async () => {
    const h = handlerHarness();
    const prod = h.devops.addRun({ pipelineKey: 'prod', parameters: { modelVersion: '3' } });
    const approval = h.devops.advance(prod.id, 'waiting')!;
    h.resetCalls();
    const card = cardOf(await h.run(`status ${prod.id}`), 'run-status');
    expect(card).toMatchObject({ displayState: 'waiting', canApprove: true });
    expect(JSON.stringify(card)).toContain(approval.id);
    expect(h.methods()).toEqual(['getRun']);
  });

  it('status <pipeline> that never ran: says how to start it', async () => {
    const h = handlerHarness();
    const msg = cardOf(await h.run('status extract-prepare'), 'message');
    expect(msg.text).toBe(
      '[ML]-[Extract-Prepare] has not run yet. Start it with `run extract-prepare`.',
    );
  });

  it('status <run id>: that run, with who queued it from chat', async () => {
    const h = handlerHarness();
    const reply = await h.run('deploy qa v2', { actor: ENGINEER });
    const card = cardOf(await h.run(`status ${reply.runId}`, { actor: STRANGER }), 'run-status');
    expect(card.runId).toBe(reply.runId);
    expect(card.requestedBy).toBe('Eli Engineer');
  });

  it('status <build number>: that run; several pipelines with it: which one, as buttons', async () => {
    const h = handlerHarness();
    const qa = h.devops.addRun({ pipelineKey: 'qa', name: '20261129.3', result: 'succeeded' });
    expect(cardOf(await h.run('status 20261129.3'), 'run-status').runId).toBe(qa.id);
    const prod = h.devops.addRun({ pipelineKey: 'prod', name: '20261129.3', result: 'failed' });
    const asked = await h.run('status 20261129.3');
    const which = cardOf(asked, 'usage-error');
    // It was read; which run it means is the question (not "I couldn't read that").
    expect(which.title).toBe('Which run is 20261129.3?');
    expect(asked.outcome).toBe('refused:which-one');
    expect(which.problem).toMatch(/names a run of 2 pipelines/);
    expect(which.suggestedCommands.sort()).toEqual([`status ${prod.id}`, `status ${qa.id}`].sort());
    expect(cardOf(await h.run('status 20991231.9'), 'message').title).toBe('No such run');
  });

  it('status <unknown run id>', async () => {
    const h = handlerHarness();
    const msg = cardOf(await h.run('status 1234'), 'message');
    expect(msg.title).toBe('No such run');
    expect(msg.text).toBe('Azure DevOps has no run 1234. See `runs` for recent ones.');
  });

  it.each([
    ['throttled', 'Azure DevOps is rate-limiting the bot', /Try again in 7 s\.$/],
    ['unavailable', 'Azure DevOps is not answering', /try again in a minute\.$/],
    ['forbidden', 'Azure DevOps refused', /ask a project administrator\.$/],
  ] as const)('status when Azure DevOps is %s: explained', async (code, title, advice) => {
    const h = handlerHarness();
    h.devops.failWith('listRuns', new DevOpsError(code, 'boom', 7));
    const msg = cardOf(await h.run('status'), 'message');
    expect(msg.title).toBe(title);
    expect(msg.text).toMatch(/^I could not read the pipelines’ status: boom /);
    expect(msg.text).toMatch(advice);
  });
});
