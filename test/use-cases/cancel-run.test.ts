import { cancelRun } from '../../src/use-cases/cancel-run';
import { ENGINEER, LEAD, STRANGER, handlerHarness } from '../commands/handlers/handler-harness';

describe('cancelRun: outcomes with reason codes', () => {
  it('canceled: Azure DevOps cancels it; the audit says ok', async () => {
    const h = handlerHarness();
    const run = h.devops.addRun({ pipelineKey: 'qa', parameters: {} });
    const outcome = await cancelRun(run.id, h.context(ENGINEER), h.deps());
    expect(outcome).toMatchObject({ code: 'canceled', readStages: false });
    expect(await h.store.queryAudit()).toMatchObject([{ action: 'cancel', outcome: 'ok' }]);
  });

  it('refused:no-such-run, refused:already-finished, refused:not-allowed', async () => {
    const h = handlerHarness();
    expect((await cancelRun(999, h.context(LEAD), h.deps())).code).toBe('refused:no-such-run');
    const done = h.devops.addRun({ pipelineKey: 'qa', parameters: {} });
    h.devops.advance(done.id, 'succeeded');
    expect(await cancelRun(done.id, h.context(LEAD), h.deps())).toMatchObject({
      code: 'refused:already-finished',
      result: 'succeeded',
    });
    const going = h.devops.addRun({ pipelineKey: 'prod', parameters: {} });
    expect((await cancelRun(going.id, h.context(STRANGER), h.deps())).code).toBe(
      'refused:not-allowed',
    );
    expect(h.devops.calls.filter((c) => c.method === 'cancelRun')).toEqual([]);
  });
});
