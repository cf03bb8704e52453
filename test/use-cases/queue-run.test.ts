import { DevOpsError } from '../../src/devops/devops-port';
import { lockEnvironment } from '../../src/use-cases/lock-environment';
import { checkRun, queuePlannedRun, type RunPlan } from '../../src/use-cases/queue-run';
import { ENGINEER, LEAD, STRANGER, handlerHarness } from '../commands/handlers/handler-harness';

const plan = (over: Partial<RunPlan> = {}): RunPlan => ({
  pipelineKey: 'qa',
  environment: 'qa',
  parameters: { modelVersion: '3' },
  model: '3',
  modelDefaulted: false,
  correlationId: 'chatops:test:1',
  command: 'deploy qa model v3',
  ...over,
});

describe('checkRun / queuePlannedRun: outcomes with reason codes', () => {
  it('queued: the run, its record and an audit entry', async () => {
    const h = handlerHarness();
    expect(await checkRun(plan(), h.context(ENGINEER), h.deps())).toBeUndefined();
    const outcome = await queuePlannedRun(plan(), h.context(ENGINEER), h.deps());
    if (outcome.code !== 'queued') throw new Error(outcome.code);
    expect(outcome.run.pipelineKey).toBe('qa');
    expect(await h.store.queryAudit()).toMatchObject([
      { action: 'deploy qa model v3', outcome: 'ok', runId: outcome.run.id },
    ]);
  });

  it('refused:locked names the lock and its holder', async () => {
    const h = handlerHarness();
    await lockEnvironment({ environment: 'qa', reason: 'tests' }, h.context(LEAD), h.deps());
    expect(await checkRun(plan(), h.context(ENGINEER), h.deps())).toMatchObject({
      code: 'refused:locked',
      lock: { owner: { id: LEAD.id }, reason: 'tests' },
      environment: { key: 'qa' },
    });
  });

  it('refused:not-allowed for someone who may not deploy there', async () => {
    const h = handlerHarness();
    const refused = await checkRun(plan(), h.context(STRANGER), h.deps());
    expect(refused?.code).toBe('refused:not-allowed');
  });

  it('failed: Azure DevOps refusing is audited as failed and says what it was doing', async () => {
    const h = handlerHarness();
    h.devops.failWith('runPipeline', new DevOpsError('throttled', 'slow', 7));
    const outcome = await queuePlannedRun(plan(), h.context(ENGINEER), h.deps());
    expect(outcome).toMatchObject({ code: 'failed', doing: 'queue [QA]-Deploy' });
    expect(await h.store.queryAudit()).toMatchObject([{ outcome: 'failed' }]);
  });
});
