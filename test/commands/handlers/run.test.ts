import { DevOpsError, type RunRequest } from '../../../src/devops/devops-port';
import { ENGINEER, STRANGER, cardOf, factsOf, handlerHarness } from './handler-harness';

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
