import { CARD_ACTIONS } from '../../../src/actions/card-actions';
import { DevOpsError } from '../../../src/devops/devops-port';
import { ENGINEER, LEAD, cardOf, handlerHarness } from './handler-harness';

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
