import { renderCard } from '../../../src/cards/render-card';
import { DevOpsError } from '../../../src/devops/devops-port';
import { ENGINEER, LEAD, cardOf, handlerHarness } from './handler-harness';

/** A prod run parked at its approval, as if the bot had queued it for an engineer. */
async function waitingProdRun(h: ReturnType<typeof handlerHarness>) {
  const run = h.devops.addRun({ pipelineKey: 'prod', parameters: { modelVersion: '3' } });
  h.devops.advance(run.id, 'waiting');
  await h.rememberRun(run.id, ENGINEER, { model: '3' });
  h.resetCalls();
  return { run };
}

/** `approve prod` / `reject prod` while several prod runs wait: a question with buttons. */
describe('approve and reject: which run, when several wait', () => {
  it('several pending: asks which, one button per run carrying the whole command and comment', async () => {
    const h = handlerHarness();
    const a = await waitingProdRun(h);
    const b = await waitingProdRun(h);
    const [runA, runB] = [(await h.devops.getRun(a.run.id))!, (await h.devops.getRun(b.run.id))!];
    h.resetCalls();
    const reply = await h.run('approve prod looks GOOD', { actor: LEAD });
    const which = cardOf(reply, 'usage-error');
    expect(reply.outcome).toBe('refused:which-one');
    expect(which.title).toBe('Which run do you approve?');
    expect(which.problem).toBe(
      '2 deployments to Production are waiting for approval. Pick one; your comment goes with it.',
    );
    expect(which.suggestedCommands).toEqual([
      `approve ${a.run.id} looks GOOD`,
      `approve ${b.run.id} looks GOOD`,
    ]);
    // Each run by the name it has everywhere, with the environment's display name (not the
    // stage key `Deploy_Prod`).
    expect(which.suggestions[0]).toBe(
      `approve ${a.run.id} looks GOOD — #${a.run.id} · ${runA.name}, Production, waiting since 09:00 UTC (just now)`,
    );
    expect(which.suggestions[1]).toContain(`#${b.run.id} · ${runB.name}, Production`);
    expect(JSON.stringify(which)).not.toContain('Deploy_Prod');
    // The pending approvals, then both build numbers in one call (not one read per run).
    expect(h.devops.calls.map((c) => c.method)).toEqual(['pendingApprovals', 'getRuns']);
    // In Teams each is a button that sends its command as if the person had typed it.
    expect(renderCard('usage-error', which).actions).toEqual(
      [a, b].map(({ run }) => ({
        type: 'Action.Submit',
        title: `approve ${run.id} looks GOOD`,
        data: { msteams: { type: 'imBack', value: `approve ${run.id} looks GOOD` } },
      })),
    );
    expect(h.methods()).not.toContain('decideApproval');
  });

  it('several pending, reject: the buttons carry the reason', async () => {
    const h = handlerHarness();
    const a = await waitingProdRun(h);
    const b = await waitingProdRun(h);
    const which = cardOf(
      await h.run('reject prod metrics regressed', { actor: LEAD }),
      'usage-error',
    );
    expect(which.title).toBe('Which run do you reject?');
    expect(which.problem).toMatch(/your reason goes with it\.$/);
    expect(which.suggestedCommands).toEqual([
      `reject ${a.run.id} metrics regressed`,
      `reject ${b.run.id} metrics regressed`,
    ]);
    expect(which.usage).toBe('reject <env | run id> [reason]');
  });

  it('several pending and Azure DevOps cannot say the build numbers: still asks, by run id', async () => {
    const h = handlerHarness();
    const a = await waitingProdRun(h);
    await waitingProdRun(h);
    h.devops.failWith('getRuns', new DevOpsError('unavailable', 'down'));
    const which = cardOf(await h.run('approve prod', { actor: LEAD }), 'usage-error');
    expect(which.suggestions[0]).toMatch(
      new RegExp(`^approve ${a.run.id} — #${a.run.id}, Production`),
    );
    expect(which.problem).toBe('2 deployments to Production are waiting for approval. Pick one.');
  });
});
