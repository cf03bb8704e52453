import { deploy, type DeployRequest } from '../../src/use-cases/deploy';
import { lockEnvironment } from '../../src/use-cases/lock-environment';
import { ENGINEER, LEAD, handlerHarness } from '../commands/handlers/handler-harness';

const request = (over: Partial<DeployRequest> = {}): DeployRequest => ({
  environment: 'qa',
  dryRun: false,
  parameters: {},
  ...over,
});

describe('deploy: outcomes with reason codes', () => {
  it('queued with the latest model when none is named', async () => {
    const h = handlerHarness();
    const o = await deploy(request(), h.context(ENGINEER), h.deps(), 'deploy qa');
    if (o.code !== 'queued') throw new Error(o.code);
    expect(o.plan).toMatchObject({ model: '3', modelDefaulted: true });
    expect(o.run.parameters).toMatchObject({ modelVersion: '3' });
  });

  it('confirm: production asks first, nothing is queued', async () => {
    const h = handlerHarness();
    const o = await deploy(
      request({ environment: 'prod', model: '2' }),
      h.context(LEAD),
      h.deps(),
      'deploy prod',
    );
    expect(o).toMatchObject({ code: 'confirm', confirmation: { state: 'pending' } });
    expect(h.methods()).not.toContain('runPipeline');
  });

  it('preview: a dry run plans without queueing', async () => {
    const h = handlerHarness();
    const o = await deploy(request({ dryRun: true }), h.context(ENGINEER), h.deps(), 'deploy qa');
    expect(o).toMatchObject({ code: 'preview', plan: { pipelineKey: 'qa' } });
    expect(h.methods()).not.toContain('runPipeline');
  });

  it('refused:locked and refused:model-not-registered', async () => {
    const h = handlerHarness();
    expect(
      await deploy(request({ model: '99' }), h.context(ENGINEER), h.deps(), 'deploy qa'),
    ).toMatchObject({
      code: 'refused:model-not-registered',
      named: '99',
      latest: ['v3', 'v2', 'v1'],
    });
    await lockEnvironment({ environment: 'qa', reason: '' }, h.context(LEAD), h.deps());
    const o = await deploy(request(), h.context(ENGINEER), h.deps(), 'deploy qa');
    expect(o.code).toBe('refused:locked');
  });
});
