import { getRunRecord } from '../../../src/use-cases/run-record';
import { modelChange } from '../../../src/cards/format';
import { queueRun } from '../../../src/commands/run-plan';
import { LEAD, cardOf, handlerHarness } from './handler-harness';

describe('a prod deploy says what it does to the live model', () => {
  it('v3 live, deploy v2: the confirm card says "v3 → v2, a downgrade", with the branch', async () => {
    const h = handlerHarness();
    h.devops.addRun({
      pipelineKey: 'prod',
      result: 'succeeded',
      parameters: { modelVersion: '1' },
    });
    h.devops.addRun({
      pipelineKey: 'prod',
      result: 'succeeded',
      parameters: { modelVersion: '3' },
    });
    // A rejected or failed deploy changed nothing: v3 stays the live model.
    h.devops.addRun({ pipelineKey: 'prod', result: 'failed', parameters: { modelVersion: '1' } });
    const reply = await h.run('deploy prod v2 branch release/2', { actor: LEAD });
    const card = cardOf(reply, 'confirm');
    expect(card.change).toBe('v3 → v2, a downgrade');
    expect(card.isDowngrade).toBe(true);
    const facts = Object.fromEntries(card.facts.map((f) => [f.title, f.value]));
    expect(facts).toMatchObject({ Change: 'v3 → v2, a downgrade', Branch: 'release/2' });
    expect(card.summary).not.toMatch(/release\/2.*release\/2/);
  });

  it('an upgrade is not flagged, and the run record keeps the change for the approval card', async () => {
    const h = handlerHarness();
    h.devops.addRun({
      pipelineKey: 'prod',
      result: 'succeeded',
      parameters: { modelVersion: '2' },
    });
    const card = cardOf(await h.run('deploy prod v3', { actor: LEAD }), 'confirm');
    expect(card.change).toBe('v2 → v3, an upgrade');
    expect(card.isDowngrade).toBe(false);
    // Queued (after Confirm), the run record keeps the change: what approval cards show.
    const plan = {
      pipelineKey: 'prod',
      environment: 'prod',
      parameters: { modelVersion: '3' },
      model: '3',
      modelDefaulted: false,
      change: card.change,
      correlationId: 'c-1',
      command: 'deploy prod v3',
    };
    const queued = await queueRun(plan, h.context(LEAD), h.deps());
    expect((await getRunRecord(h.store, queued.runId!))?.change).toBe('v2 → v3, an upgrade');
  });

  it('rollback prod says it is a rollback from the live model, to which run', async () => {
    const h = handlerHarness();
    const previous = h.devops.addRun({
      pipelineKey: 'prod',
      result: 'succeeded',
      parameters: { modelVersion: '2' },
      name: '20261129.3',
    });
    h.devops.addRun({
      pipelineKey: 'prod',
      result: 'succeeded',
      parameters: { modelVersion: '3' },
    });
    const card = cardOf(await h.run('rollback prod', { actor: LEAD }), 'confirm');
    expect(card.title).toBe('Roll Production back from model v3 to v2?');
    expect(card.change).toBe(`v3 → v2, a rollback to run #${previous.id} · 20261129.3`);
    expect(card.isDowngrade).toBe(true);
  });

  it('nothing live yet: no change line', async () => {
    const h = handlerHarness();
    const card = cardOf(await h.run('deploy prod v3', { actor: LEAD }), 'confirm');
    expect(card.change).toBe('');
    expect(card.facts.map((f) => f.title)).not.toContain('Change');
  });

  it.each([
    ['3', '2', 'v3 → v2, a downgrade'],
    ['2', '10', 'v2 → v10, an upgrade'],
    ['3', '3', 'v3 again: the model already live'],
    [undefined, '3', ''],
  ])('modelChange(%s, %s) = %s', (live, next, text) => {
    expect(modelChange(live, next)).toBe(text);
  });
});
