import type { RunRequest } from '../../../src/devops/devops-port';
import { CARD_ACTIONS } from '../../../src/actions/card-actions';
import { getRunRecord, requesterLine } from '../../../src/use-cases/run-record';
import { ENGINEER, cardOf, factsOf, handlerHarness } from './handler-harness';

const runRequests = (h: ReturnType<typeof handlerHarness>) =>
  h.devops.calls.filter((c) => c.method === 'runPipeline').map((c) => c.args[0] as RunRequest);

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

describe('a used Retry button is gone (issue 16)', () => {
  const retryClick = async (h: ReturnType<typeof handlerHarness>, runId: number) => {
    const spec = CARD_ACTIONS.find((a) => a.verb === 'run.retry')!;
    return spec.run({ runId } as never, h.context(ENGINEER), h.deps());
  };

  it('the clicked card, for everyone, says "retried as #N" and has no Retry button', async () => {
    const h = handlerHarness();
    const first = await h.run('run train experimentName=exp-3', { actor: ENGINEER });
    h.devops.advance(first.runId!, 'failed');
    const before = cardOf(await h.run(`status ${first.runId}`), 'run-status');
    expect(before.canRetry).toBe(true);
    const clicked = await retryClick(h, first.runId!);
    if (!clicked.ok) throw new Error(clicked.message);
    const retryId = clicked.followUp!.runId!;
    expect(clicked.updateForEveryone).toBe(true);
    const card = cardOf(clicked.card, 'run-status');
    expect(card.runId).toBe(first.runId);
    expect(card.canRetry).toBe(false);
    expect(card.result).toBe(`Failed · retried as #${retryId}`);
    // And so does every later look at the failed run.
    const later = cardOf(await h.run(`status ${first.runId}`), 'run-status');
    expect([later.canRetry, later.result]).toEqual([false, `Failed · retried as #${retryId}`]);
  });

  it('a retry that only asked to confirm (prod) leaves the button: nothing was retried yet', async () => {
    const h = handlerHarness();
    const old = h.devops.addRun({
      pipelineKey: 'prod',
      result: 'failed',
      parameters: { modelVersion: '2' },
    });
    const clicked = await retryClick(h, old.id);
    if (!clicked.ok) throw new Error(clicked.message);
    expect(clicked.updateForEveryone).toBe(false);
    expect(cardOf(clicked.card, 'run-status').canRetry).toBe(true);
  });
});
