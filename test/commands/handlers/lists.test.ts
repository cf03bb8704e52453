import { DevOpsError } from '../../../src/devops/devops-port';
import { ENGINEER, LEAD, START, cardOf, handlerHarness } from './handler-harness';

describe('runs, approvals, pipelines, models', () => {
  it('runs prod 5: at most five prod runs, newest first', async () => {
    const h = handlerHarness();
    for (let i = 0; i < 7; i++) h.devops.addRun({ pipelineKey: 'prod', result: 'succeeded' });
    h.resetCalls();
    const list = cardOf(await h.run('runs prod 5'), 'list');
    expect(list.title).toBe('Recent runs of [Manual]-[Prod]-deployment');
    expect(list.rows).toHaveLength(5);
    expect(h.devops.calls[0]!.args[0]).toEqual({ pipelineKey: 'prod', top: 5 });
    // One run, one name: its id (what commands take) and its build number.
    const runs = h.devops.allRuns();
    for (const cell of list.rows.map((r) => r.cells[0]!)) {
      const id = Number(/^#(\d+) · /.exec(cell)?.[1]);
      expect(cell).toBe(`#${id} · ${runs.find((r) => r.id === id)!.name}`);
    }
    const ids = list.rows.map((r) => Number(/^#(\d+)/.exec(r.cells[0]!)?.[1]));
    expect(ids.every((id) => id > 0)).toBe(true);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('a rejected prod deploy reads Rejected in runs and on the dashboard, not Failed', async () => {
    const h = handlerHarness();
    const prod = h.devops.addRun({ pipelineKey: 'prod', parameters: { modelVersion: '3' } });
    const approval = h.devops.advance(prod.id, 'waiting')!;
    await h.devops.decideApproval(approval.id, 'rejected', 'not today');
    const failedQa = h.devops.addRun({ pipelineKey: 'qa', result: 'failed' });
    const list = cardOf(await h.run('runs'), 'list');
    const stateOf = (id: number) =>
      list.rows.find((r) => r.cells[0]!.startsWith(`#${id} `))!.cells[2];
    expect(stateOf(prod.id)).toMatch(/^Rejected · /);
    expect(stateOf(failedQa.id)).toMatch(/^Failed · /);
    const card = cardOf(await h.run('status'), 'dashboard');
    expect(card.pipelines.find((p) => p.key === 'prod')!.result).toBe('Rejected');
    expect(card.pipelines.find((p) => p.key === 'qa')!.result).toBe('Failed');
    // Nothing went live in prod: the rejected deploy changed nothing.
    expect(card.live.find((f) => f.title === 'Production')!.value).toBe('nothing deployed yet');
  });

  it('status leads with what each environment runs now: model, since, by whom, which run', async () => {
    const h = handlerHarness();
    const v2 = h.devops.addRun({
      pipelineKey: 'prod',
      result: 'succeeded',
      parameters: { modelVersion: '2' },
      requestedBy: 'Alex Wilber',
      finishedDate: '2026-03-01T14:02:00Z',
    });
    h.devops.addRun({ pipelineKey: 'prod', result: 'canceled', parameters: { modelVersion: '3' } });
    const card = cardOf(await h.run('status'), 'dashboard');
    expect(card.live.map((f) => f.title)).toEqual(h.catalog.environments.map((e) => e.displayName));
    expect(card.live.find((f) => f.title === 'Production')!.value).toBe(
      `v2 · since 2026-03-01 14:02 UTC · by Alex Wilber · run #${v2.id} · ${v2.name}`,
    );
    expect(card.pipelines.find((p) => p.key === 'prod')!.result).toBe('Canceled');
    // "Started by" is who asked in chat, not the bot's Azure DevOps identity.
    await h.rememberRun(v2.id, ENGINEER, { model: '2' });
    const again = cardOf(await h.run('status'), 'dashboard');
    expect(again.live.find((f) => f.title === 'Production')!.value).toContain('by Eli Engineer');
  });

  it('runs: all pipelines, with a pipeline column', async () => {
    const h = handlerHarness();
    const list = cardOf(await h.run('runs'), 'list');
    expect(list.title).toBe('Recent runs');
    expect(list.columns.map((c) => c.title)).toEqual(['Run', 'Pipeline · branch', 'State']);
    // The three model-registering train runs of the fake.
    expect(list.rows.map((r) => r.cells[1])).toEqual(
      Array(3).fill('[ML]-Train-Evaluate-Register · develop'),
    );
  });

  it('approvals: every pending one, with its environment', async () => {
    const h = handlerHarness();
    const prod = h.devops.addRun({ pipelineKey: 'prod' });
    h.devops.advance(prod.id, 'waiting');
    h.clock.advance(12 * 60_000);
    const list = cardOf(await h.run('approvals'), 'list');
    expect(list.rows).toEqual([
      { cells: [`#${prod.id}`, '[Manual]-[Prod]-deployment', 'Production', '09:00 UTC (12m ago)'] },
    ]);
  });

  it('approvals: none', async () => {
    const h = handlerHarness();
    const list = cardOf(await h.run('approvals'), 'list');
    expect(list.hasRows).toBe(false);
    expect(list.emptyText).toBe('Nothing is waiting for approval.');
  });

  it('pipelines: the catalog, with prod’s approval', async () => {
    const h = handlerHarness();
    const list = cardOf(await h.run('pipelines'), 'list');
    expect(list.rows).toHaveLength(7);
    expect(list.rows.find((r) => r.cells[0] === 'prod')!.cells[2]).toBe('Required (Production)');
    expect(list.rows.find((r) => r.cells[0] === 'qa')!.cells[1]).toBe(
      '[QA]-Deploy: Deploys to QA. Triggers: manual.',
    );
  });

  it('models: registered versions, newest first', async () => {
    const h = handlerHarness();
    const list = cardOf(await h.run('models'), 'list');
    expect(list.rows.map((r) => r.cells[0])).toEqual(['v3', 'v2', 'v1']);
    expect(list.subtitle).toBe('From [ML]-Train-Evaluate-Register');
  });

  it('models when Azure DevOps is unavailable', async () => {
    const h = handlerHarness();
    h.devops.failWith('modelVersions', new DevOpsError('unavailable', 'ECONNREFUSED', 7));
    expect(cardOf(await h.run('models'), 'message').text).toMatch(
      /^I could not read the model versions: ECONNREFUSED/,
    );
  });

  it('runs when Azure DevOps is throttling', async () => {
    const h = handlerHarness();
    h.devops.failWith('listRuns', new DevOpsError('throttled', 'slow', 7));
    expect(cardOf(await h.run('runs'), 'message').text).toBe(
      'I could not list the runs: slow Try again in 7 s.',
    );
  });

  it('audit: readable actions, outcomes and details, not the stored JSON', async () => {
    const h = handlerHarness();
    await h.store.appendAudit({
      actor: { id: 'u1', name: 'Alex Wilber' },
      action: 'card:approve',
      detail: JSON.stringify({ approvalId: 'ab12', runId: 134 }),
      outcome: 'ok',
      runId: 134,
    });
    const list = cardOf(await h.run('audit 1', { actor: LEAD }), 'list');
    expect(list.rows[0]!.cells.slice(1)).toEqual([
      'Alex Wilber',
      'approve (button): approval ab12, run #134',
      'OK · run #134',
    ]);
    expect(list.rows[0]!.cells.join(' ')).not.toMatch(/[{}"]/);
  });

  it('the harness clock starts where the tests say', () => {
    expect(handlerHarness().clock.now()).toBe(START);
    expect(LEAD.upn).toBe('devops.lead@digitre.example');
  });
});
