import { CARD_ACTIONS } from '../../../src/actions/card-actions';
import { getRunRecord, requesterLine } from '../../../src/commands/run-record';
import { DevOpsError, type RunRequest } from '../../../src/devops/devops-port';
import { ENGINEER, LEAD, STRANGER, cardOf, factsOf, handlerHarness } from './handler-harness';

const runRequests = (h: ReturnType<typeof handlerHarness>) =>
  h.devops.calls.filter((c) => c.method === 'runPipeline').map((c) => c.args[0] as RunRequest);

describe('run and the pipeline shortcuts', () => {
  it('run extract-prepare on develop computeName=digitre-gpu queues it with that parameter', async () => {
    const h = handlerHarness();
    const reply = await h.run('run extract-prepare on develop computeName=digitre-gpu', {
      actor: ENGINEER,
    });
    expect(cardOf(reply, 'run-status').pipelineName).toBe('[ML]-[Extract-Prepare]');
    expect(runRequests(h)).toEqual([
      expect.objectContaining({
        pipelineKey: 'extract-prepare',
        branch: 'develop',
        parameters: { computeName: 'digitre-gpu' },
      }),
    ]);
    expect((await h.store.queryAudit())[0]).toMatchObject({
      action: 'run extract-prepare',
      outcome: 'ok',
    });
  });

  it.each([
    ['train', 'train', {}],
    ['extract-prepare computeName=digitre-gpu', 'extract-prepare', { computeName: 'digitre-gpu' }],
    ['cleanup dev maxAgeHours=12', 'dev-cleanup', { maxAgeHours: '12' }],
  ])('%j queues %s for a runner', async (text, pipelineKey, parameters) => {
    const h = handlerHarness();
    expect((await h.run(text, { actor: ENGINEER })).card).toBe('run-status');
    expect(runRequests(h)).toEqual([expect.objectContaining({ pipelineKey, parameters })]);
  });

  it('production mode: a stranger may not train, and is told who can', async () => {
    const h = handlerHarness();
    const reply = await h.run('train', { actor: STRANGER });
    expect(cardOf(reply, 'message').text).toBe(
      'Sorry, you are not allowed to run [ML]-Train-Evaluate-Register.',
    );
    expect(factsOf(reply)['Who can']).toBe(
      'devops.lead@digitre.example, ml.engineer@digitre.example',
    );
    expect(h.methods()).toEqual([]);
    expect((await h.store.queryAudit())[0]).toMatchObject({ action: 'train', outcome: 'refused' });
  });

  it('local mode: the stranger trains', async () => {
    const h = handlerHarness({ localMode: true });
    expect((await h.run('train', { actor: STRANGER })).card).toBe('run-status');
  });

  it('run prod modelVersion=2 goes through the deploy flow: confirmation, nothing queued', async () => {
    const h = handlerHarness();
    const card = cardOf(await h.run('run prod modelVersion=2'), 'confirm');
    expect(card.title).toBe('Deploy model v2 to Production?');
    expect(h.methods()).not.toContain('runPipeline');
  });

  it('run custom-qa deploys the latest model, like deploy', async () => {
    const h = handlerHarness();
    await h.run('run custom-qa', { actor: ENGINEER });
    expect(runRequests(h)[0]!.parameters).toEqual({ modelVersion: '3' });
  });

  it('unavailable while queuing: explained', async () => {
    const h = handlerHarness();
    h.devops.failWith('runPipeline', new DevOpsError('unavailable', 'ECONNRESET', 7));
    const msg = cardOf(await h.run('train', { actor: ENGINEER }), 'message');
    expect(msg.title).toBe('Azure DevOps is not answering');
    expect(msg.text).toMatch(/^I could not queue \[ML\]-Train-Evaluate-Register: ECONNRESET/);
  });
});

describe('retry', () => {
  it('reuses the parameters and branch of the run it retries', async () => {
    const h = handlerHarness();
    const first = await h.run('run train on feature/x experimentName=exp-7', { actor: ENGINEER });
    h.devops.advance(first.runId!, 'failed');
    h.resetCalls();
    const reply = await h.run(`retry ${first.runId}`, { actor: ENGINEER });
    const card = cardOf(reply, 'run-status');
    expect(card.runId).not.toBe(first.runId);
    expect(runRequests(h)).toEqual([
      expect.objectContaining({
        pipelineKey: 'train',
        branch: 'feature/x',
        parameters: { experimentName: 'exp-7' },
      }),
    ]);
    expect((await h.store.queryAudit())[0]).toMatchObject({
      action: `retry ${first.runId}`,
      outcome: 'ok',
    });
  });

  it('a run the bot did not queue: reuses what Azure DevOps reports', async () => {
    const h = handlerHarness();
    const old = h.devops.addRun({
      pipelineKey: 'dev-cleanup',
      result: 'failed',
      branch: 'refs/heads/hotfix/a',
      parameters: { maxAgeHours: '6' },
    });
    await h.run(`retry ${old.id}`, { actor: ENGINEER });
    expect(runRequests(h)[0]).toMatchObject({
      branch: 'hotfix/a',
      parameters: { maxAgeHours: '6' },
    });
  });

  it('retrying a prod deploy asks to confirm again', async () => {
    const h = handlerHarness();
    const old = h.devops.addRun({
      pipelineKey: 'prod',
      result: 'failed',
      parameters: { modelVersion: '2' },
    });
    const card = cardOf(await h.run(`retry ${old.id}`), 'confirm');
    expect(card.facts).toContainEqual({ title: 'Model', value: 'v2' });
    expect(h.methods()).not.toContain('runPipeline');
  });

  it('a run still going: says to wait or cancel', async () => {
    const h = handlerHarness();
    const first = await h.run('train', { actor: ENGINEER });
    const msg = cardOf(await h.run(`retry ${first.runId}`, { actor: ENGINEER }), 'message');
    expect(msg.title).toBe(`Run ${first.runId} is still going`);
  });

  it('no such run', async () => {
    const h = handlerHarness();
    const msg = cardOf(await h.run('retry 999'), 'message');
    expect(msg.title).toBe('No such run');
    expect(msg.text).toBe('Azure DevOps has no run 999. See `runs`.');
  });

  it('production mode: an engineer may not retry a prod deploy; the refusal says who can', async () => {
    const h = handlerHarness();
    const old = h.devops.addRun({
      pipelineKey: 'prod',
      result: 'failed',
      parameters: { modelVersion: '2' },
    });
    const reply = await h.run(`retry ${old.id}`, { actor: ENGINEER });
    expect(cardOf(reply, 'message').title).toBe('Not allowed');
    expect(factsOf(reply)['Who can']).toBe('devops.lead@digitre.example');
    expect((await h.store.queryAudit())[0]).toMatchObject({
      action: `retry ${old.id}`,
      outcome: 'refused',
    });
  });
});

describe('rollback', () => {
  it('picks the previous successful model and asks to confirm, even outside prod', async () => {
    const h = handlerHarness();
    h.devops.addRun({ pipelineKey: 'qa', result: 'succeeded', parameters: { modelVersion: '1' } });
    h.devops.addRun({ pipelineKey: 'qa', result: 'succeeded', parameters: { modelVersion: '2' } });
    h.devops.addRun({ pipelineKey: 'qa', result: 'failed', parameters: { modelVersion: '3' } });
    h.devops.addRun({ pipelineKey: 'qa', result: 'succeeded', parameters: { modelVersion: '3' } });
    h.resetCalls();
    const card = cardOf(await h.run('rollback qa', { actor: ENGINEER }), 'confirm');
    expect(card.title).toBe('Roll QA back from model v3 to v2?');
    expect(card.facts).toContainEqual({ title: 'Model', value: 'v2' });
    expect(h.methods()).not.toContain('runPipeline');
  });

  it('nothing to roll back to: every recent deploy used the same model', async () => {
    const h = handlerHarness();
    h.devops.addRun({
      pipelineKey: 'prod',
      result: 'succeeded',
      parameters: { modelVersion: '3' },
    });
    const msg = cardOf(await h.run('rollback prod'), 'message');
    expect(msg.title).toBe('Nothing to roll back to in Production');
    expect(msg.text).toBe('Every recent successful deploy used model v3.');
  });

  it('never deployed', async () => {
    const h = handlerHarness();
    const msg = cardOf(await h.run('rollback dev', { actor: ENGINEER }), 'message');
    expect(msg.text).toBe('DEV has no successful deploy yet.');
  });

  it('production mode: refused for someone who may not deploy there', async () => {
    const h = handlerHarness();
    h.devops.addRun({
      pipelineKey: 'prod',
      result: 'succeeded',
      parameters: { modelVersion: '1' },
    });
    h.devops.addRun({
      pipelineKey: 'prod',
      result: 'succeeded',
      parameters: { modelVersion: '2' },
    });
    expect(cardOf(await h.run('rollback prod', { actor: ENGINEER }), 'message').title).toBe(
      'Not allowed',
    );
  });

  it('throttled while reading the history: explained', async () => {
    const h = handlerHarness();
    h.devops.failWith('listRuns', new DevOpsError('throttled', 'TF400733', 7));
    const msg = cardOf(await h.run('rollback prod'), 'message');
    expect(msg.text).toBe(
      'I could not find the previous deploy of Production: TF400733 Try again in 7 s.',
    );
  });
});

describe('cancel and logs', () => {
  it('cancels a queued run and shows its card', async () => {
    const h = handlerHarness();
    const first = await h.run('train', { actor: ENGINEER });
    const card = cardOf(await h.run(`cancel ${first.runId}`, { actor: ENGINEER }), 'run-status');
    expect(card.runId).toBe(first.runId);
    expect(card.hasStages).toBe(true);
    // Its run record names the pipeline: no read before the cancel; the card is its answer + timeline.
    expect(h.methods().slice(-2)).toEqual(['cancelRun', 'getRun']);
    expect(h.devops.calls.at(-1)!.args[1]).toMatchObject({
      withStages: true,
      known: { id: first.runId },
    });
    expect((await h.devops.getRun(first.runId!))!.result).toBe('canceled');
    expect((await h.store.queryAudit())[0]).toMatchObject({ action: 'cancel', outcome: 'ok' });
  });

  it('the canceled run’s card says who canceled it, also when read again later', async () => {
    const h = handlerHarness();
    const queued = await h.run('train', { actor: ENGINEER });
    const card = cardOf(await h.run(`cancel ${queued.runId}`, { actor: ENGINEER }), 'run-status');
    expect(card.result).toMatch(/^(Canceled|Cancel requested) by Eli Engineer$/);
    const later = cardOf(await h.run(`status ${queued.runId}`), 'run-status');
    expect(later.result).toBe('Canceled by Eli Engineer');
  });

  it('a run the bot did not queue: read for the permission check, the card is the cancel’s answer', async () => {
    const h = handlerHarness();
    const run = h.devops.addRun({ pipelineKey: 'train', state: 'inProgress' });
    const card = cardOf(await h.run(`cancel ${run.id}`, { actor: ENGINEER }), 'run-status');
    expect(card).toMatchObject({ runId: run.id, displayState: 'canceling', hasStages: false });
    expect(card.pipelineName).toBe('[ML]-Train-Evaluate-Register');
    expect(h.methods()).toEqual(['getRun', 'cancelRun']);
  });

  it('a finished run the bot queued: the cancel is refused, so it says it already finished', async () => {
    const h = handlerHarness();
    const first = await h.run('train', { actor: ENGINEER });
    h.devops.advance(first.runId!, 'succeeded');
    h.resetCalls();
    const msg = cardOf(await h.run(`cancel ${first.runId}`, { actor: ENGINEER }), 'message');
    expect(msg.title).toBe(`Run ${first.runId} already finished`);
    expect(msg.text).toBe('It succeeded; there is nothing to cancel.');
    expect((await h.store.queryAudit()).map((a) => a.action)).not.toContain('cancel');
  });

  it('a finished run: nothing to cancel', async () => {
    const h = handlerHarness();
    const done = h.devops.addRun({ pipelineKey: 'train', result: 'succeeded' });
    const msg = cardOf(await h.run(`cancel ${done.id}`), 'message');
    expect(msg.title).toBe(`Run ${done.id} already finished`);
    expect(h.methods()).not.toContain('cancelRun');
  });

  it('production mode: a stranger may not cancel', async () => {
    const h = handlerHarness();
    const first = await h.run('train', { actor: ENGINEER });
    expect(cardOf(await h.run(`cancel ${first.runId}`, { actor: STRANGER }), 'message').title).toBe(
      'Not allowed',
    );
    expect((await h.devops.getRun(first.runId!))!.state).toBe('queued');
  });

  it('forbidden by Azure DevOps: explained', async () => {
    const h = handlerHarness();
    const first = await h.run('train', { actor: LEAD });
    h.devops.failWith('cancelRun', new DevOpsError('forbidden', 'TF401027: Stop builds', 7));
    const msg = cardOf(await h.run(`cancel ${first.runId}`), 'message');
    expect(msg.text).toMatch(
      new RegExp(`^I could not cancel run ${first.runId}: TF401027: Stop builds`),
    );
  });

  it('logs of a failed run: the run card with the failing task’s log tail', async () => {
    const h = handlerHarness();
    const run = h.devops.addRun({ pipelineKey: 'qa', parameters: { modelVersion: '2' } });
    h.devops.advance(run.id, 'failed', {
      task: 'Integration tests',
      lines: ['AssertionError: 0.71 < 0.8'],
    });
    h.resetCalls();
    const card = cardOf(await h.run(`logs ${run.id}`), 'run-status');
    expect(card.showLog).toBe(true);
    expect(card.logLines.join('\n')).toMatch(/AssertionError: 0.71/);
    expect(card.logTitle).toBe('Failed task: Integration tests');
    expect(card.modelVersion).toBe('v2');
    // The build once, then only the timeline (reusing it) and the failed task's log.
    expect(h.methods()).toEqual(['getRun', 'getRun', 'failingLogTail']);
    expect(h.devops.calls[1]!.args[1]).toMatchObject({ withStages: true, known: { id: run.id } });
    expect(h.devops.calls[2]!.args[1]).toMatchObject({ failedTask: { task: 'Integration tests' } });
  });

  it('logs of a run that did not fail: says so and links the run', async () => {
    const h = handlerHarness();
    const run = h.devops.addRun({ pipelineKey: 'qa', result: 'succeeded' });
    const msg = cardOf(await h.run(`logs ${run.id}`), 'message');
    expect(msg.title).toBe(`Run ${run.id} has no failed task`);
    expect(msg.text).toBe('It succeeded. Full logs are in Azure DevOps.');
    expect(msg.linkUrl).toBe(run.url);
    expect(h.devops.calls.map((c) => c.args)).toEqual([[run.id, undefined]]);
  });

  it('logs of an unknown run', async () => {
    const h = handlerHarness();
    expect(cardOf(await h.run('logs 77'), 'message').text).toBe('Azure DevOps has no run 77.');
  });
});

describe('retry is one request (issue 14)', () => {
  const retryClick = async (h: ReturnType<typeof handlerHarness>, runId: number) => {
    const spec = CARD_ACTIONS.find((a) => a.verb === 'run.retry')!;
    return spec.run({ runId } as never, h.context(ENGINEER), h.deps());
  };

  it('five clicks, a double click and a typed retry queue one run; the others say "already retried as #N"', async () => {
    const h = handlerHarness();
    const first = await h.run('run train experimentName=exp-1', { actor: ENGINEER });
    h.devops.advance(first.runId!, 'failed');
    h.resetCalls();
    // A double click: two at once.
    const [a, b] = await Promise.all([retryClick(h, first.runId!), retryClick(h, first.runId!)]);
    const later = [];
    for (let i = 0; i < 3; i++) later.push(await retryClick(h, first.runId!));
    const typed = await h.run(`retry ${first.runId}`, { actor: ENGINEER });
    expect(runRequests(h)).toHaveLength(1);
    const retryId = (await h.devops.listRuns({ pipelineKey: 'train', top: 1 }))[0]!.id;
    expect(retryId).not.toBe(first.runId);
    const followUps = [a, b, ...later].map((r) => (r.ok ? r.followUp : undefined));
    const cards = followUps.filter((f) => f?.card === 'run-status');
    expect(cards).toHaveLength(1);
    expect(cardOf(cards[0]!, 'run-status').requestedBy).toBe(
      `Eli Engineer · retry of #${first.runId}`,
    );
    const answers = [...followUps.filter((f) => f?.card === 'message'), typed];
    expect(answers.length).toBeGreaterThanOrEqual(4);
    for (const answer of answers.slice(-4)) {
      expect(cardOf(answer!, 'message').title).toBe(
        `Run ${first.runId} was already retried as #${retryId}`,
      );
    }
  });

  it('the retried run remembers what it retried, for its live card', async () => {
    const h = handlerHarness();
    const first = await h.run('run train experimentName=exp-2', { actor: ENGINEER });
    h.devops.advance(first.runId!, 'failed');
    const retry = await h.run(`retry ${first.runId}`, { actor: ENGINEER });
    expect(requesterLine(await getRunRecord(h.store, retry.runId!))).toBe(
      `Eli Engineer · retry of #${first.runId}`,
    );
  });

  it('re-checks the parameters against the catalog: one it would refuse typed is not forwarded', async () => {
    const h = handlerHarness();
    const old = h.devops.addRun({
      pipelineKey: 'extract-prepare',
      result: 'failed',
      parameters: { computeName: 'BAD NAME; rm -rf' },
    });
    const msg = cardOf(await h.run(`retry ${old.id}`, { actor: ENGINEER }), 'message');
    expect(msg.title).toBe(`Run ${old.id} cannot be retried as it was`);
    expect(h.methods()).not.toContain('runPipeline');
    // Nothing was queued, so a later retry (say, after fixing the catalog) is not blocked.
    expect(await h.store.get('retries', `retry:${old.id}`)).toBeUndefined();
  });
});

describe('a rollback confirmed after someone locked the environment (issue 14)', () => {
  it('says once that it is locked: the question becomes the refusal, nothing queued, no "Confirmed"', async () => {
    const h = handlerHarness();
    h.devops.addRun({
      pipelineKey: 'prod',
      result: 'succeeded',
      parameters: { modelVersion: '1' },
    });
    h.devops.addRun({
      pipelineKey: 'prod',
      result: 'succeeded',
      parameters: { modelVersion: '2' },
    });
    // Local mode, where anyone may lock: someone else locks prod while the lead's question waits.
    const question = cardOf(
      await h.run('rollback prod', { actor: LEAD, localMode: true }),
      'confirm',
    );
    const lock = await h.run('lock prod hotfix in progress', { actor: ENGINEER, localMode: true });
    expect(cardOf(lock, 'message').title).toMatch(/locked/i);
    h.resetCalls();
    const confirm = CARD_ACTIONS.find((a) => a.verb === 'confirm.accept')!;
    const result = await confirm.run(question.confirmData as never, h.context(LEAD), h.deps(true));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.followUp).toBeUndefined();
    expect(result.updateForEveryone).toBe(true);
    const msg = cardOf(result.card, 'message');
    expect(msg.title).toBe('Production is locked');
    expect(JSON.stringify(result.card)).not.toMatch(/confirmed/i);
    expect(h.methods()).not.toContain('runPipeline');
  });
});
