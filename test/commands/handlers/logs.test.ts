import { cardOf, handlerHarness } from './handler-harness';

describe('logs', () => {
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
    expect(msg.text).toBe('It finished: Succeeded. Full logs are in Azure DevOps.');
    expect(msg.linkUrl).toBe(run.url);
    expect(h.devops.calls.map((c) => c.args)).toEqual([[run.id, undefined]]);
  });

  it('logs of a run waiting for approval: says so in the run card’s words, not "inProgress"', async () => {
    const h = handlerHarness();
    const run = h.devops.addRun({ pipelineKey: 'prod', parameters: { modelVersion: '3' } });
    h.devops.advance(run.id, 'waiting');
    h.resetCalls();
    const msg = cardOf(await h.run(`logs ${run.id}`), 'message');
    expect(msg.text).toBe('It is waiting for approval; nothing has failed so far.');
    // The build, then its timeline (reusing the build) for the stage that waits.
    expect(h.methods()).toEqual(['getRun', 'getRun']);
  });

  it('logs of a running run: "running"', async () => {
    const h = handlerHarness();
    const run = h.devops.addRun({ pipelineKey: 'qa' });
    h.devops.advance(run.id, 'inProgress');
    const msg = cardOf(await h.run(`logs ${run.id}`), 'message');
    expect(msg.text).toBe('It is running; nothing has failed so far.');
  });

  it('logs of an unknown run', async () => {
    const h = handlerHarness();
    expect(cardOf(await h.run('logs 77'), 'message').text).toBe('Azure DevOps has no run 77.');
  });
});
