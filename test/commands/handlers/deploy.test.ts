import { CONFIRMATIONS_COLLECTION } from '../../../src/confirmations/pending-confirmation';
import { DevOpsError, type RunRequest } from '../../../src/devops/devops-port';
import { ENGINEER, LEAD, STRANGER, cardOf, factsOf, handlerHarness } from './handler-harness';

const runRequests = (h: ReturnType<typeof handlerHarness>) =>
  h.devops.calls.filter((c) => c.method === 'runPipeline').map((c) => c.args[0] as RunRequest);

describe('deploy: queuing', () => {
  it('deploy custom-qa model v3 queues [Manual]-[Custom-QA]-Deploy once with modelVersion 3', async () => {
    const h = handlerHarness();
    const reply = await h.run('deploy custom-qa model v3', { actor: ENGINEER });

    const card = cardOf(reply, 'run-status');
    expect(card.pipelineName).toBe('[Manual]-[Custom-QA]-Deploy');
    expect(card.environment).toBe('Custom QA');
    expect(card.modelVersion).toMatch(/v3/);
    expect(card.requestedBy).toBe('Eli Engineer');
    expect(reply.runId).toBe(card.runId);
    const requests = runRequests(h);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      pipelineKey: 'custom-qa',
      parameters: { modelVersion: '3' },
      requestedFor: 'Eli Engineer',
    });
    expect(requests[0]!.branch).toBeUndefined();
    expect(requests[0]!.correlationId).toMatch(/^chatops:deploy-custom-qa:activity-/);
  });

  it('without a model deploys the latest registered one and says so on the card', async () => {
    const h = handlerHarness();
    h.devops.addModelVersion('7');
    const card = cardOf(await h.run('deploy qa', { actor: ENGINEER }), 'run-status');
    expect(card.modelVersion).toBe('v7 (latest registered)');
    expect(runRequests(h)[0]!.parameters).toEqual({ modelVersion: '7' });
  });

  it('passes the branch through', async () => {
    const h = handlerHarness();
    await h.run('deploy custom-qa model 3 from feature/x', { actor: ENGINEER });
    expect(runRequests(h)[0]).toMatchObject({
      branch: 'feature/x',
      parameters: { modelVersion: '3' },
    });
  });

  it('records the deploy in the audit log with the run id', async () => {
    const h = handlerHarness();
    const reply = await h.run('deploy custom-qa model v2', { actor: ENGINEER });
    const [entry] = await h.store.queryAudit();
    expect(entry).toMatchObject({
      actor: { id: ENGINEER.id, name: 'Eli Engineer' },
      action: 'deploy custom-qa',
      outcome: 'ok',
      runId: reply.runId,
      conversationId: 'conv-1',
    });
    expect(entry!.detail).toMatch(/\[Manual\]-\[Custom-QA\]-Deploy, model v2/);
  });

  it('an unknown model version is refused, listing the registered ones, and nothing is queued', async () => {
    const h = handlerHarness();
    const reply = await h.run('deploy qa model v9', { actor: ENGINEER });
    const msg = cardOf(reply, 'message');
    expect(msg.title).toBe('Model v9 is not registered');
    expect(msg.text).toBe('The latest registered versions are v3, v2, v1.');
    expect(factsOf(reply).Try).toBe('deploy … model v3');
    expect(h.methods()).not.toContain('runPipeline');
  });

  it('with no registered model at all, says to train first', async () => {
    const h = handlerHarness({ modelVersions: 0 });
    const msg = cardOf(await h.run('deploy qa', { actor: ENGINEER }), 'message');
    expect(msg.title).toBe('No model registered yet');
    expect(msg.text).toMatch(/Run `train` first/);
    expect(h.methods()).not.toContain('runPipeline');
  });
});

describe('deploy: production asks first', () => {
  it('deploy prod returns a confirm card and queues nothing', async () => {
    const h = handlerHarness();
    const reply = await h.run('deploy prod v2');
    const card = cardOf(reply, 'confirm');
    expect(card.title).toBe('Deploy model v2 to Production?');
    expect(card.isPending).toBe(true);
    expect(card.requestedBy).toBe('Dana Lead');
    expect(card.refreshUserIds).toEqual([LEAD.teamsId]);
    expect(card.summary).toMatch(
      /\[Manual\]-\[Prod\]-deployment, model v2 on main\. Production approvers are asked next\./,
    );
    expect(card.facts).toEqual(
      expect.arrayContaining([
        { title: 'Environment', value: 'Production' },
        { title: 'Model', value: 'v2' },
        { title: 'Branch', value: 'main' },
      ]),
    );
    expect(h.methods()).not.toContain('runPipeline');
    const pending = await h.store.list(CONFIRMATIONS_COLLECTION);
    expect(pending).toHaveLength(1);
  });

  it('deploy prod without a model confirms the latest registered one', async () => {
    const h = handlerHarness();
    const card = cardOf(await h.run('deploy prod'), 'confirm');
    expect(card.facts).toContainEqual({ title: 'Model', value: 'v3 (latest registered)' });
  });

  it('deploy prod dry-run previews instead of queuing, and asks no confirmation', async () => {
    const h = handlerHarness();
    const reply = await h.run('deploy prod dry-run');
    const msg = cardOf(reply, 'message');
    expect(msg.title).toBe('Dry run: [Manual]-[Prod]-deployment');
    expect(msg.text).toMatch(/^Nothing was queued\./);
    expect(factsOf(reply)).toMatchObject({
      Stages: 'Build → Deploy Production',
      Branch: 'main',
      Model: 'v3',
    });
    expect(h.methods()).toContain('previewRun');
    expect(h.methods()).not.toContain('runPipeline');
    expect(await h.store.list(CONFIRMATIONS_COLLECTION)).toEqual([]);
  });
});

describe('deploy: refusals', () => {
  it('production mode: an ML engineer may not deploy prod, and is told who can', async () => {
    const h = handlerHarness();
    const reply = await h.run('deploy prod v3', { actor: ENGINEER });
    const msg = cardOf(reply, 'message');
    expect(msg.title).toBe('Not allowed');
    expect(msg.text).toBe('Sorry, you are not allowed to deploy Production.');
    expect(factsOf(reply)['Who can']).toBe('devops.lead@digitre.example');
    expect(h.methods()).toEqual([]);
    const [entry] = await h.store.queryAudit();
    expect(entry).toMatchObject({
      action: 'deploy prod',
      outcome: 'refused',
      actor: { name: 'Eli Engineer' },
    });
  });

  it('production mode: a stranger may deploy nowhere', async () => {
    const h = handlerHarness();
    for (const env of ['dev', 'qa', 'custom-qa', 'prod']) {
      const reply = await h.run(`deploy ${env} v1`, { actor: STRANGER });
      expect(cardOf(reply, 'message').title).toBe('Not allowed');
    }
    expect(h.methods()).toEqual([]);
    expect((await h.store.queryAudit()).map((e) => e.outcome)).toEqual(Array(4).fill('refused'));
  });

  it('local mode: the same stranger deploys qa at once', async () => {
    const h = handlerHarness({ localMode: true });
    const reply = await h.run('deploy qa v1', { actor: STRANGER });
    expect(cardOf(reply, 'run-status').requestedBy).toBe('Sam Stranger');
    expect(h.methods()).toContain('runPipeline');
  });

  it('an environment locked by someone else is refused, naming who and why', async () => {
    const h = handlerHarness();
    expect(cardOf(await h.run('lock qa testing model v4', { actor: LEAD }), 'message').style).toBe(
      'good',
    );
    const reply = await h.run('deploy qa v3', { actor: ENGINEER });
    const msg = cardOf(reply, 'message');
    expect(msg.title).toBe('QA is locked');
    expect(msg.text).toBe(
      'Dana Lead locked QA: “testing model v4”. Ask them to `unlock qa` when they are done.',
    );
    expect(h.methods()).not.toContain('runPipeline');
    const [entry] = await h.store.queryAudit();
    expect(entry).toMatchObject({
      action: 'deploy qa',
      outcome: 'refused',
      detail: 'locked by Dana Lead',
    });
  });

  it('the lock holder still deploys', async () => {
    const h = handlerHarness();
    await h.run('lock qa', { actor: ENGINEER });
    expect((await h.run('deploy qa v3', { actor: ENGINEER })).card).toBe('run-status');
  });
});

describe('deploy: Azure DevOps failures', () => {
  it('throttled while queuing: says so, when to retry, and audits the failure', async () => {
    const h = handlerHarness();
    h.devops.failWith(
      'runPipeline',
      new DevOpsError('throttled', 'TF400733: request was blocked', 7),
    );
    const msg = cardOf(await h.run('deploy qa v3', { actor: ENGINEER }), 'message');
    expect(msg.style).toBe('warning');
    expect(msg.title).toBe('Azure DevOps is rate-limiting the bot');
    expect(msg.text).toBe(
      'I could not queue [QA]-Deploy: TF400733: request was blocked Try again in 7 s.',
    );
    const [entry] = await h.store.queryAudit();
    expect(entry).toMatchObject({ action: 'deploy qa', outcome: 'failed' });
    expect(entry!.detail).toMatch(/TF400733/);
  });

  it('unavailable while reading model versions: nothing queued', async () => {
    const h = handlerHarness();
    h.devops.failWith('modelVersions', new DevOpsError('unavailable', 'connect ECONNREFUSED', 7));
    const msg = cardOf(await h.run('deploy qa', { actor: ENGINEER }), 'message');
    expect(msg.title).toBe('Azure DevOps is not answering');
    expect(msg.text).toBe(
      'I could not read the registered model versions: connect ECONNREFUSED Nothing was changed that I know of; try again in a minute.',
    );
    expect(h.methods()).not.toContain('runPipeline');
  });

  it('forbidden while queuing: tells the user the bot lacks permission', async () => {
    const h = handlerHarness();
    h.devops.failWith(
      'runPipeline',
      new DevOpsError('forbidden', 'TF401027: You need Queue builds', 7),
    );
    const msg = cardOf(await h.run('deploy custom-qa v3', { actor: ENGINEER }), 'message');
    expect(msg.style).toBe('attention');
    expect(msg.title).toBe('Azure DevOps refused');
    expect(msg.text).toMatch(
      /^I could not queue \[Manual\]-\[Custom-QA\]-Deploy: TF401027: You need Queue builds The identity the bot uses lacks permission/,
    );
  });

  it('unavailable during a dry run: the preview failure is explained', async () => {
    const h = handlerHarness();
    h.devops.failWith('previewRun', new DevOpsError('unavailable', 'socket hang up', 7));
    const msg = cardOf(await h.run('deploy qa dry-run', { actor: ENGINEER }), 'message');
    expect(msg.text).toMatch(/^I could not preview \[QA\]-Deploy: socket hang up/);
  });
});
