import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { catalogIndex } from '../../src/catalog/catalog-index';
import type { ActAs, DevOpsPort, RunSummary } from '../../src/devops/devops-port';
import { unsignedJwt } from '../support/unsigned-jwt';

/** The catalog every implementation is held to. */
export const contractCatalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));

/** How a failing run fails: in this stage (YAML name), at this task, its log ending so. */
export interface FailSpec {
  stage: string;
  task: string;
  lines: string[];
}

/**
 * A `DevOpsPort` plus the few levers a test needs to move the world it talks to: the fake moves
 * its runs when told, the emulator runs them itself and the levers only wait.
 */
export interface DevOpsWorld {
  devops: DevOpsPort;
  /** The next run of `pipelineKey` fails as described. */
  failNext(pipelineKey: string, failure: FailSpec): void;
  /** Resolves once the run waits on its approval. */
  untilWaiting(runId: number): Promise<void>;
  /** Resolves once the run has completed (call after any approval was decided). */
  untilCompleted(runId: number): Promise<void>;
  close(): Promise<void>;
}

export type DevOpsWorldFactory = () => Promise<DevOpsWorld>;

/** A catalog person's own Azure DevOps token (on-behalf-of), as Entra ID would issue it. */
export function personToken(upn: string): ActAs {
  return {
    bearerToken: unsignedJwt({
      oid: `oid-${upn}`,
      upn,
      name: upn.split('@')[0],
      aud: '499b84ac-1321-427f-aa17-267ca6975798',
      exp: Math.floor(Date.now() / 1000) + 3600,
    }),
  };
}

const APPROVER = 'release.manager@digitre.example';
const NOT_APPROVER = 'ml.engineer@digitre.example';
const index = catalogIndex(contractCatalog);
const model = (v: string) => ({ [index.modelParameter]: v });
let n = 0;
const correlation = () => `contract-${++n}-${Date.now()}`;

/**
 * What every `DevOpsPort` must do, as Microsoft documents Azure DevOps
 * (shared/reference/azure-devops-api.md); `in-memory-devops.test.ts` runs it against the fake,
 * `ado-devops-contract.test.ts` against the real adapter over the emulator.
 * @example runDevOpsPortContract('InMemoryDevOps', async () => fakeWorld());
 */
export function runDevOpsPortContract(name: string, factory: DevOpsWorldFactory): void {
  describe(`${name} DevOpsPort contract`, () => {
    let world: DevOpsWorld;
    let devops: DevOpsPort;
    const queue = (pipelineKey: string, parameters: Record<string, string>, extra = {}) =>
      devops.runPipeline({ pipelineKey, parameters, correlationId: correlation(), ...extra });

    beforeAll(async () => {
      world = await factory();
      devops = world.devops;
    });
    afterAll(async () => {
      await world?.close();
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
        const ids = (await devops.listRuns({ pipelineKey: 'custom-qa', top: 100 })).map(
          (r) => r.id,
        );
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

    describe('approvals', () => {
      it('parks a run at its approval, lists it by run and environment, lets an approver approve', async () => {
        const run = await queue('prod', model('3'));
        await world.untilWaiting(run.id);
        const waiting = await devops.getRun(run.id, { withStages: true });
        expect(waiting?.state).toBe('inProgress');
        const stage = waiting?.stages?.find((s) => s.state === 'waiting');
        expect(stage?.name).toBe('Deploy_Prod');

        const pending = await devops.pendingApprovals({ runId: run.id });
        expect(pending).toHaveLength(1);
        const [p] = pending;
        expect(stage?.approvalId).toBe(p!.id);
        expect(p).toMatchObject({
          runId: run.id,
          status: 'pending',
          environment: 'prod',
          stageName: 'Deploy_Prod',
          pipelineKey: 'prod',
        });
        expect(p!.approvers.length).toBeGreaterThan(0);
        expect((await devops.pendingApprovals()).map((x) => x.id)).toContain(p!.id);
        const byAlias = await devops.pendingApprovals({ environment: 'production' });
        expect(byAlias.map((x) => x.id)).toContain(p!.id);
        expect(await devops.pendingApprovals({ environment: 'qa' })).toEqual([]);
        expect(await devops.pendingApprovals({ environment: 'nowhere' })).toEqual([]);
        expect(await devops.getApproval(p!.id)).toMatchObject({ id: p!.id, status: 'pending' });

        const approved = await devops.decideApproval(
          p!.id,
          'approved',
          'metrics ok',
          personToken(APPROVER),
        );
        expect(approved).toMatchObject({ id: p!.id, status: 'approved', comment: 'metrics ok' });
        expect(approved.decidedBy).toBeTruthy();
        await world.untilCompleted(run.id);
        expect(await devops.getRun(run.id)).toMatchObject({
          state: 'completed',
          result: 'succeeded',
        });
        expect((await devops.getApproval(p!.id))?.status).toBe('approved');
        expect(await devops.pendingApprovals({ runId: run.id })).toEqual([]);

        await expect(
          devops.decideApproval(p!.id, 'rejected', 'again', personToken(APPROVER)),
        ).rejects.toMatchObject({ code: 'conflict' });
      });

      it('refuses a non-approver (forbidden), the bot identity included, and leaves it pending', async () => {
        const run = await queue('prod', model('1'));
        await world.untilWaiting(run.id);
        const [p] = await devops.pendingApprovals({ runId: run.id });
        const asPerson = devops.decideApproval(p!.id, 'approved', 'me?', personToken(NOT_APPROVER));
        await expect(asPerson).rejects.toMatchObject({ code: 'forbidden' });
        await expect(asPerson).rejects.toThrow(/not an approver/);
        await expect(devops.decideApproval(p!.id, 'approved', 'bot')).rejects.toMatchObject({
          code: 'forbidden',
        });
        expect((await devops.getApproval(p!.id))?.status).toBe('pending');

        const rejected = await devops.decideApproval(
          p!.id,
          'rejected',
          'not today',
          personToken(APPROVER),
        );
        expect(rejected.status).toBe('rejected');
        await world.untilCompleted(run.id);
        const failed = await devops.getRun(run.id, { withStages: true });
        expect(failed?.result).toBe('failed');
        expect(failed?.stages?.find((s) => s.name === 'Deploy_Prod')?.result).toBe('rejected');
      });

      it('answers null / notFound for an unknown approval', async () => {
        const unknown = '11111111-2222-3333-4444-555555555555';
        expect(await devops.getApproval(unknown)).toBeNull();
        await expect(
          devops.decideApproval(unknown, 'approved', 'x', personToken(APPROVER)),
        ).rejects.toMatchObject({ code: 'notFound' });
      });
    });

    describe('logs', () => {
      it("gives the failed task's last lines, from a fresh read or a timeline already read", async () => {
        world.failNext('qa', {
          stage: 'Deploy_QA',
          task: 'Deploy endpoint',
          lines: [
            'Deploying endpoint digitre-qa',
            'quota exceeded for Standard_DS3_v2',
            'exit code 1',
          ],
        });
        const run = await queue('qa', model('2'));
        await world.untilCompleted(run.id);
        const read = await devops.getRun(run.id, { withStages: true });
        expect(read?.result).toBe('failed');
        expect(read?.stages?.some((s) => s.result === 'failed')).toBe(true);
        expect(read?.failedTask).toMatchObject({ task: 'Deploy endpoint', stage: 'Deploy QA' });

        // Azure DevOps adds its own lines (`##[error]…`, the step's exit): the tail is the log's
        // end, whatever wrote it, cut to maxLines.
        const tail = await devops.failingLogTail(run.id, { maxLines: 4 });
        expect(tail).toMatchObject({ task: 'Deploy endpoint', stage: 'Deploy QA' });
        expect(tail!.lines.length).toBeLessThanOrEqual(4);
        expect(tail!.lines.join('\n')).toContain('quota exceeded for Standard_DS3_v2');
        expect(tail!.lines.join('\n')).toMatch(/exit code 1/);
        expect((await devops.failingLogTail(run.id, { maxLines: 1 }))?.lines).toHaveLength(1);
        expect(
          await devops.failingLogTail(run.id, { maxLines: 4, failedTask: read!.failedTask! }),
        ).toEqual(tail);
      });

      it('has no log tail for a run that did not fail', async () => {
        const run = await queue('custom-qa', model('1'));
        await world.untilCompleted(run.id);
        expect(await devops.failingLogTail(run.id)).toBeNull();
      });
    });

    describe('models', () => {
      it("lists the registered model versions once each, newest first, from the models pipeline's runs", async () => {
        const versions = await devops.modelVersions();
        expect(versions.length).toBeGreaterThan(0);
        expect(new Set(versions.map((v) => v.version)).size).toBe(versions.length);
        const times = versions.map((v) => Date.parse(v.createdDate));
        expect([...times].sort((x, y) => y - x)).toEqual(times);
        const source = await devops.getRun(versions[0]!.runId);
        expect(source).toMatchObject({
          pipelineKey: contractCatalog.models!.pipeline,
          result: 'succeeded',
        });
        expect(source?.tags).toContain(
          `${contractCatalog.models!.tagPrefix}${versions[0]!.version}`,
        );
      });
    });
  });
}
