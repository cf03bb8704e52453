import { DevOpsError } from '../../../src/devops/devops-port';
import { ENGINEER, LEAD, STRANGER, cardOf, handlerHarness } from './handler-harness';

describe('cancel', () => {
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
});
