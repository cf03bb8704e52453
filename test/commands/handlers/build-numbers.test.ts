import { ENGINEER, LEAD, cardOf, handlerHarness } from './handler-harness';

/** `20261129.3`, the name Azure DevOps shows, works wherever a run id does. */
describe('build numbers in logs, cancel, retry, approve and reject', () => {
  it('cancel <build number> cancels the run it names', async () => {
    const h = handlerHarness();
    const queued = await h.run('train', { actor: ENGINEER });
    const { name } = (await h.devops.getRun(queued.runId!))!;
    const card = cardOf(await h.run(`cancel ${name}`, { actor: ENGINEER }), 'run-status');
    expect(card.runId).toBe(queued.runId);
    expect((await h.devops.getRun(queued.runId!))!.result).toBe('canceled');
  });

  it('logs and retry <build number> act on that run', async () => {
    const h = handlerHarness();
    const bad = h.devops.addRun({ pipelineKey: 'qa', name: '20261129.3', result: 'failed' });
    expect(cardOf(await h.run('logs 20261129.3'), 'run-status').runId).toBe(bad.id);
    const retried = await h.run('retry 20261129.3', { actor: ENGINEER });
    expect(retried.runId).not.toBe(bad.id);
    expect(h.devops.calls.filter((c) => c.method === 'runPipeline')).toHaveLength(1);
  });

  it('approve and reject <build number> decide that run’s approval', async () => {
    const h = handlerHarness();
    const run = h.devops.addRun({
      pipelineKey: 'prod',
      name: '20261129.4',
      parameters: { modelVersion: '3' },
    });
    h.devops.advance(run.id, 'waiting');
    await h.rememberRun(run.id, ENGINEER, { model: '3' });
    const card = cardOf(await h.run('reject 20261129.4 wrong model', { actor: LEAD }), 'approval');
    expect(card.runId).toBe(run.id);
    expect(h.devops.allApprovals()[0]).toMatchObject({ status: 'rejected' });
  });

  it('a build number of several pipelines asks which, with the whole command on each button', async () => {
    const h = handlerHarness();
    const qa = h.devops.addRun({ pipelineKey: 'qa', name: '20261129.3', result: 'failed' });
    const prod = h.devops.addRun({ pipelineKey: 'prod', name: '20261129.3', result: 'failed' });
    const which = cardOf(await h.run('approve 20261129.3 looks good'), 'usage-error');
    expect(which.title).toBe('Which run is 20261129.3?');
    expect(which.problem).toMatch(/names a run of 2 pipelines/);
    expect(which.suggestedCommands.sort()).toEqual(
      [`approve ${qa.id} looks good`, `approve ${prod.id} looks good`].sort(),
    );
    expect(cardOf(await h.run('logs 20991231.9'), 'message').title).toBe('No such run');
  });

  it.each(['logs', 'cancel', 'retry', 'status', 'reject'])(
    '%s <build number of several pipelines>: the same question, "Which run is …?"',
    async (command) => {
      const h = handlerHarness();
      const qa = h.devops.addRun({ pipelineKey: 'qa', name: '20261129.1', result: 'failed' });
      const train = h.devops.addRun({ pipelineKey: 'train', name: '20261129.1', result: 'failed' });
      const asked = await h.run(`${command} 20261129.1`, { actor: LEAD });
      const which = cardOf(asked, 'usage-error');
      expect(which.title).toBe('Which run is 20261129.1?');
      expect(asked.outcome).toBe('refused:which-one');
      expect(which.suggestedCommands.sort()).toEqual(
        [`${command} ${qa.id}`, `${command} ${train.id}`].sort(),
      );
    },
  );
});
