import { CARD_ACTIONS, type CardActionResult } from '../../src/actions/card-actions';
import { CARD_VERBS } from '../../src/cards/card-verbs';
import { renderCard } from '../../src/cards/render-card';
import { executeActions } from '../cards/card-walk';
import { ENGINEER, LEAD, cardOf, handlerHarness } from '../commands/handlers/handler-harness';

/**
 * What a click leaves on screen: the card the clicker gets back is also what everyone sees, it
 * says what happened, and the button that was used is gone (issue 16).
 */

type Harness = ReturnType<typeof handlerHarness>;

async function click(
  h: Harness,
  verb: string,
  data: object,
): Promise<CardActionResult & { ok: true }> {
  const spec = CARD_ACTIONS.find((a) => a.verb === verb);
  if (!spec) throw new Error(`no card action ${verb}`);
  const result = await spec.run(data as never, h.context(LEAD), h.deps());
  if (!result.ok) throw new Error(result.message);
  return result;
}

/** Every Action.Execute verb anywhere on the rendered card (buttons, ShowCard forms). */
const verbsOn = (r: CardActionResult & { ok: true }) =>
  executeActions(renderCard(r.card.card, r.card.data as never)).map((a) => a.verb);

describe('a used button is gone after the click', () => {
  it.each([
    [CARD_VERBS.approve, 'Approved'],
    [CARD_VERBS.reject, 'Rejected'],
  ])(
    '%s: one decided card for everyone, no Approve/Reject, nothing else posted',
    async (verb, text) => {
      const h = handlerHarness();
      const run = h.devops.addRun({ pipelineKey: 'prod', parameters: { modelVersion: '3' } });
      const approval = h.devops.advance(run.id, 'waiting')!;
      await h.rememberRun(run.id, ENGINEER, { model: '3' });
      const r = await click(h, verb, { approvalId: approval.id, runId: run.id, comment: 'seen' });
      expect(r.updateForEveryone).toBe(true);
      // One card says the decision: the clicked one, updated in place; no second message.
      expect(r.followUp).toBeUndefined();
      const card = cardOf(r.card, 'approval');
      expect([card.isDecided, card.statusText, card.decidedBy]).toEqual([
        true,
        text,
        expect.stringMatching(/^Dana Lead/),
      ]);
      expect(verbsOn(r)).toEqual([]);
    },
  );

  it('Confirm: the card says who confirmed and when, with no buttons; the run card follows', async () => {
    const h = handlerHarness();
    const question = cardOf(await h.run('deploy prod model v3'), 'confirm');
    expect(question.showButtons).toBe(true);
    const r = await click(h, CARD_VERBS.confirm, question.confirmData);
    expect(r.updateForEveryone).toBe(true);
    const card = cardOf(r.card, 'confirm');
    expect(card.decidedText).toMatch(
      /^🚀 Confirmed by Dana Lead at \d{4}-\d\d-\d\d \d\d:\d\d UTC;/,
    );
    expect([card.showButtons, card.hasRefresh]).toEqual([false, false]);
    expect(verbsOn(r)).toEqual([]);
    expect(r.followUp?.card).toBe('run-status');
  });

  it('Cancel: the card says who canceled and that nothing ran, with no buttons', async () => {
    const h = handlerHarness();
    const question = cardOf(await h.run('deploy prod model v3'), 'confirm');
    const r = await click(h, CARD_VERBS.decline, question.declineData);
    expect(r.updateForEveryone).toBe(true);
    const card = cardOf(r.card, 'confirm');
    expect(card.decidedText).toMatch(/^🚫 Canceled by Dana Lead at .* UTC; nothing was run\.$/);
    expect(verbsOn(r)).toEqual([]);
    expect(r.followUp).toBeUndefined();
    expect(h.methods()).not.toContain('runPipeline');
  });

  it('Retry: the clicked card says "retried as #N" with no Retry; the retry names its original everywhere', async () => {
    const h = handlerHarness();
    const run = h.devops.addRun({ pipelineKey: 'qa', parameters: { modelVersion: '3' } });
    h.devops.advance(run.id, 'failed');
    await h.rememberRun(run.id, ENGINEER, { pipelineKey: 'qa', environment: 'qa', model: '3' });
    const r = await click(h, CARD_VERBS.retryRun, { runId: run.id });
    expect(r.updateForEveryone).toBe(true);
    const failed = cardOf(r.card, 'run-status');
    const retry = cardOf(r.followUp!, 'run-status');
    expect(failed.result).toBe(`Failed · retried as #${retry.runId}`);
    expect(verbsOn(r)).not.toContain(CARD_VERBS.retryRun);
    expect(retry.requestedBy).toBe(`Dana Lead · retry of #${run.id}`);
    // Asked about later, the retry's card says the same as its live card.
    const status = cardOf(await h.run(`status ${retry.runId}`), 'run-status');
    expect(status.requestedBy).toBe(`Dana Lead · retry of #${run.id}`);
  });

  it('Reject: the run’s card, asked about later, says who rejected it and why', async () => {
    const h = handlerHarness();
    const run = h.devops.addRun({ pipelineKey: 'prod', parameters: { modelVersion: '3' } });
    const approval = h.devops.advance(run.id, 'waiting')!;
    await h.rememberRun(run.id, ENGINEER, { model: '3' });
    await click(h, CARD_VERBS.reject, {
      approvalId: approval.id,
      runId: run.id,
      comment: 'metrics regressed',
    });
    const status = cardOf(await h.run(`status ${run.id}`), 'run-status');
    expect([status.displayState, status.result]).toEqual([
      'rejected',
      'Rejected by Dana Lead: metrics regressed',
    ]);
  });
});
