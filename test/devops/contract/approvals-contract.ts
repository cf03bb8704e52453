import type { DevOpsPort } from '../../../src/devops/devops-port';
import {
  APPROVER,
  NOT_APPROVER,
  contractCatalog,
  model,
  personToken,
  type ContractContext,
  type DevOpsWorld,
} from './contract-world';

/** The DevOpsPort contract for approvals, log tails and model versions. */
export function approvalsContract(ctx: ContractContext): void {
  let world: DevOpsWorld;
  let devops: DevOpsPort;
  const queue = ctx.queue;
  beforeAll(() => {
    world = ctx.world();
    devops = world.devops;
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
      expect(source?.tags).toContain(`${contractCatalog.models!.tagPrefix}${versions[0]!.version}`);
    });
  });
}
