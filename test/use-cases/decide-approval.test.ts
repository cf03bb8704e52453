import { decideApproval } from '../../src/use-cases/decide-approval';
import { DevOpsError } from '../../src/devops/devops-port';
import { ENGINEER, LEAD, handlerHarness } from '../commands/handlers/handler-harness';

/** A prod run waiting for its approval, queued through the bot by `requester`. */
async function waitingProdRun(h: ReturnType<typeof handlerHarness>, requester = ENGINEER) {
  const run = h.devops.addRun({ pipelineKey: 'prod', parameters: { modelVersion: '3' } });
  const approval = h.devops.advance(run.id, 'waiting')!;
  await h.rememberRun(run.id, requester, { model: '3' });
  return { run, approval };
}

const approve = (target: { runId?: number; environment?: string; approvalId?: string }) => ({
  target,
  decision: 'approved' as const,
  comment: '',
});

describe('decideApproval: outcomes with reason codes, audited with them', () => {
  it('decided: Azure DevOps records it, the audit says ok', async () => {
    const h = handlerHarness();
    const { run } = await waitingProdRun(h);
    const outcome = await decideApproval(approve({ runId: run.id }), h.context(LEAD), h.deps());
    expect(outcome).toMatchObject({ code: 'decided', approval: { status: 'approved' } });
    expect(await h.store.queryAudit()).toMatchObject([{ action: 'approve', outcome: 'ok' }]);
  });

  it('tells Azure DevOps which chat the decision came from (Teams or Slack)', async () => {
    const h = handlerHarness();
    const { run } = await waitingProdRun(h);
    const fromSlack = { ...h.context(LEAD), platform: 'slack' as const };
    const input = { ...approve({ runId: run.id }), comment: 'metrics fine' };
    await decideApproval(input, fromSlack, h.deps());
    expect(h.devops.allApprovals()[0]!.comment).toBe(
      'Approved by Dana Lead via Slack: metrics fine',
    );
  });

  it('refused:self-approval when prod forbids approving your own run', async () => {
    const h = handlerHarness();
    const { run } = await waitingProdRun(h, LEAD);
    const outcome = await decideApproval(approve({ runId: run.id }), h.context(LEAD), h.deps());
    expect(outcome.code).toBe('refused:self-approval');
    expect(h.devops.allApprovals()[0]!.status).toBe('pending');
    expect(await h.store.queryAudit()).toMatchObject([{ outcome: 'refused' }]);
  });

  it('refused:not-approver for someone not on the approver list', async () => {
    const h = handlerHarness();
    const { run } = await waitingProdRun(h, LEAD);
    const outcome = await decideApproval(approve({ runId: run.id }), h.context(ENGINEER), h.deps());
    expect(outcome.code).toBe('refused:not-approver');
  });

  it('refused:already-decided for an approval someone decided first', async () => {
    const h = handlerHarness();
    const { run, approval } = await waitingProdRun(h);
    await decideApproval(approve({ runId: run.id }), h.context(LEAD), h.deps());
    const again = await decideApproval(
      approve({ approvalId: approval.id }),
      h.context(LEAD),
      h.deps(),
    );
    expect(again).toMatchObject({ code: 'refused:already-decided' });
  });

  it('refused:nothing-pending names the environment and its latest run', async () => {
    const h = handlerHarness();
    const outcome = await decideApproval(
      approve({ environment: 'prod' }),
      h.context(LEAD),
      h.deps(),
    );
    expect(outcome).toMatchObject({
      code: 'refused:nothing-pending',
      environment: { key: 'prod' },
    });
  });

  it('failed: an Azure DevOps failure says what was being done, audited as failed', async () => {
    const h = handlerHarness();
    const { run } = await waitingProdRun(h);
    h.devops.failWith('decideApproval', new DevOpsError('forbidden', 'no'));
    const outcome = await decideApproval(approve({ runId: run.id }), h.context(LEAD), h.deps());
    expect(outcome).toMatchObject({ code: 'failed', doing: `approve run ${run.id}` });
    expect(await h.store.queryAudit()).toMatchObject([{ outcome: 'failed' }]);
  });
});
