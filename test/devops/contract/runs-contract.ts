import type { DevOpsPort, RunSummary } from '../../../src/devops/devops-port';
import {
  index,
  model,
  correlation,
  type ContractContext,
  type DevOpsWorld,
} from './contract-world';

/** The DevOpsPort contract for runs: queuing, previews, reads, filters, cancelling. */
export function runsContract(ctx: ContractContext): void {
  let world: DevOpsWorld;
  let devops: DevOpsPort;
  const queue = ctx.queue;
  beforeAll(() => {
    world = ctx.world();
    devops = world.devops;
  });

  describe('queuing', () => {
    it('queues a run with its parameters on the default branch; it runs to succeeded', async () => {
      const spec = index.requirePipeline('custom-qa');
      const run = await queue('custom-qa', model('2'));
      expect(run).toMatchObject({
        pipelineKey: 'custom-qa',
        pipelineName: spec.name,
        parameters: expect.objectContaining(model('2')),
        branch: `refs/heads/${spec.defaultBranch}`,
      });
      expect(['queued', 'inProgress']).toContain(run.state);
      expect(await devops.getRun(run.id)).toMatchObject({ id: run.id, pipelineKey: 'custom-qa' });
      await world.untilCompleted(run.id);
      const done = await devops.getRun(run.id, { withStages: true });
      expect(done).toMatchObject({ state: 'completed', result: 'succeeded' });
      expect(done?.stages?.map((s) => [s.name, s.state, s.result])).toEqual(
        spec.stages.map((s) => [s.name, 'completed', 'succeeded']),
      );
    });

    it('is idempotent by correlation id: looking first finds the run already queued', async () => {
      const correlationId = correlation();
      const req = { pipelineKey: 'custom-qa', parameters: model('1'), correlationId };
      const first = await devops.runPipeline(req);
      const again = await devops.runPipeline({ ...req, lookFirst: true });
      expect(again.id).toBe(first.id);
      const other = await devops.runPipeline({
        ...req,
        correlationId: correlation(),
        lookFirst: true,
      });
      expect(other.id).not.toBe(first.id);
      const ids = (await devops.listRuns({ pipelineKey: 'custom-qa', top: 100 })).map((r) => r.id);
      expect(ids.filter((id) => id === first.id)).toHaveLength(1);
    });

    it('refuses an unknown pipeline (notFound) and an undeclared parameter (invalidParameter)', async () => {
      await expect(queue('nope', {})).rejects.toMatchObject({ code: 'notFound' });
      const bad = queue('qa', { ...model('3'), colour: 'red' });
      await expect(bad).rejects.toMatchObject({ code: 'invalidParameter' });
      await expect(bad).rejects.toThrow(/Unexpected parameter 'colour'/);
    });

    it('previews the stages that would run, skipped ones left out, without queuing', async () => {
      const spec = index.requirePipeline('custom-qa');
      const before = (await devops.listRuns({ pipelineKey: 'custom-qa', top: 1 }))[0]?.id;
      const all = await devops.previewRun({ pipelineKey: 'custom-qa', parameters: model('1') });
      expect(all.stages).toEqual(spec.stages.map((s) => s.name));
      expect(all.yaml).not.toBe('');
      const first = spec.stages[0]!.name;
      const some = await devops.previewRun({
        pipelineKey: 'custom-qa',
        parameters: model('1'),
        stagesToSkip: [first],
      });
      expect(some.stages).not.toContain(first);
      expect((await devops.listRuns({ pipelineKey: 'custom-qa', top: 1 }))[0]?.id).toBe(before);
    });
  });

  describe('reading runs', () => {
    let a: RunSummary;
    let b: RunSummary;
    beforeAll(async () => {
      a = await queue('custom-qa', model('1'));
      b = await queue('qa', model('2'));
      await world.untilCompleted(a.id);
      await world.untilCompleted(b.id);
    });

    it('answers null for an unknown run', async () => {
      expect(await devops.getRun(987654)).toBeNull();
    });

    it('reads several runs in the order asked, leaving out unknown ones', async () => {
      expect((await devops.getRuns([b.id, 987654, a.id])).map((r) => r.id)).toEqual([b.id, a.id]);
      expect(await devops.getRuns([])).toEqual([]);
    });

    it('lists newest first, filtered by pipeline, cut by top and perPipeline', async () => {
      const all = await devops.listRuns({ top: 50 });
      const times = all.map((r) => Date.parse(r.createdDate));
      expect([...times].sort((x, y) => y - x)).toEqual(times);
      expect(all.map((r) => r.id)).toEqual(expect.arrayContaining([a.id, b.id]));
      const qa = await devops.listRuns({ pipelineKey: 'qa' });
      expect(qa.length).toBeGreaterThan(0);
      expect(qa.every((r) => r.pipelineKey === 'qa')).toBe(true);
      expect(qa[0]?.id).toBe(b.id);
      expect(await devops.listRuns({ top: 1 })).toHaveLength(1);
      const perKey = new Map<string, number>();
      for (const r of await devops.listRuns({ perPipeline: 1 }))
        perKey.set(r.pipelineKey ?? '', (perKey.get(r.pipelineKey ?? '') ?? 0) + 1);
      expect(Math.max(...perKey.values())).toBe(1);
      await expect(devops.listRuns({ pipelineKey: 'nope' })).rejects.toMatchObject({
        code: 'notFound',
      });
    });

    it('reuses a run already read (known), and refuses one of another id', async () => {
      const [listed] = await devops.listRuns({ pipelineKey: 'qa', top: 1 });
      expect(await devops.getRun(listed!.id, { known: listed! })).toEqual(listed);
      const {
        stages,
        failedTask: _f,
        ...build
      } = (await devops.getRun(listed!.id, {
        withStages: true,
        known: listed!,
      }))!;
      expect(build).toEqual(listed);
      expect(stages?.length).toBeGreaterThan(0);
      await expect(devops.getRun(listed!.id + 1, { known: listed! })).rejects.toThrow(/known/);
    });
  });

  describe('cancelling', () => {
    it('cancels a run: canceling at once, canceled when done', async () => {
      const run = await queue('dev-cleanup', { maxAgeHours: '48' });
      const canceling = await devops.cancelRun(run.id);
      expect(canceling.id).toBe(run.id);
      expect(['canceling', 'completed']).toContain(canceling.state);
      await world.untilCompleted(run.id);
      expect(await devops.getRun(run.id)).toMatchObject({
        state: 'completed',
        result: 'canceled',
      });
    });

    it('never changes the result of a completed run, and refuses an unknown one', async () => {
      const run = await queue('custom-qa', model('1'));
      await world.untilCompleted(run.id);
      // Microsoft documents no answer for cancelling a completed build (the emulator returns
      // it unchanged, the fake says conflict); both keep its result.
      await devops.cancelRun(run.id).catch((err: unknown) => {
        expect(err).toMatchObject({ code: 'conflict' });
      });
      expect(await devops.getRun(run.id)).toMatchObject({ result: 'succeeded' });
      await expect(devops.cancelRun(987654)).rejects.toMatchObject({ code: 'notFound' });
    });
  });
}
