import { RunResult, RunState } from 'azure-devops-node-api/interfaces/PipelinesInterfaces';
import { TimelineRecordState } from 'azure-devops-node-api/interfaces/BuildInterfaces';
import type { WebApi } from 'azure-devops-node-api';
import { identityForPrincipal, type Emulator } from '../../src/emulator/start-emulator';
import {
  approvalsRest,
  bearerApi,
  fastEmulator,
  patApi,
  personJwtClaims,
} from './emulator-fixture';

interface ApprovalJson {
  id: string;
  status: string;
  steps: {
    assignedApprover: { id: string; uniqueName: string };
    actualApprover?: { uniqueName: string; displayName: string };
    status: string;
    comment: string | null;
  }[];
  minRequiredApprovers: number;
  instructions?: string;
  blockedApprovers: { uniqueName: string }[];
  pipeline: { owner: { id: number; name: string }; id: string; name: string };
}

const lead = identityForPrincipal('devops.lead@digitre.example')!;
const releaseManager = identityForPrincipal('release.manager@digitre.example')!;
const engineer = identityForPrincipal('ml.engineer@digitre.example')!;
const as = (emu: Emulator, i: typeof lead) =>
  bearerApi(emu, personJwtClaims(i.uniqueName, i.displayName, i.id));

async function queueProd(
  api: WebApi,
  emu: Emulator,
): Promise<{ runId: number; approvalId: string }> {
  const pipelines = await api.getPipelinesApi();
  const run = await pipelines.runPipeline(
    { templateParameters: { modelVersion: '3' } },
    emu.project,
    emu.pipelineId('prod'),
  );
  await emu.engine.waitFor(run.id!, (r) => r.stages.some((s) => s.waiting), 5000);
  const [pending] = emu.engine.pendingApprovals(run.id!);
  return { runId: run.id!, approvalId: pending!.id };
}

describe('emulator: YAML environment approvals (raw REST 7.1)', () => {
  let emu: Emulator;
  let bot: WebApi;
  beforeAll(async () => {
    emu = await fastEmulator();
    bot = patApi(emu);
  });
  afterAll(() => emu.close());

  it('pauses a prod run at the approval; the timeline Checkpoint.Approval id is the approval id', async () => {
    const { runId, approvalId } = await queueProd(as(emu, lead), emu);
    const build = await bot.getBuildApi();
    const tl = await build.getBuildTimeline(emu.project, runId);
    const rec = tl.records!.find((r) => r.type === 'Checkpoint.Approval')!;
    expect(rec.id).toBe(approvalId);
    expect(rec.state).toBe(TimelineRecordState.InProgress);
    const checkpoint = tl.records!.find((r) => r.id === rec.parentId)!;
    expect(checkpoint.type).toBe('Checkpoint');
    expect(tl.records!.find((r) => r.id === checkpoint.parentId)?.identifier).toBe('Deploy_Prod');
    const run = await (
      await bot.getPipelinesApi()
    ).getRun(emu.project, emu.pipelineId('prod'), runId);
    expect(run.state).toBe(RunState.InProgress);

    const list = await approvalsRest<{ count: number; value: ApprovalJson[] }>(
      bot,
      emu,
      'GET',
      `?state=pending&approvalIds=${approvalId}&$expand=steps`,
    );
    expect(list?.count).toBe(1);
    const a = list!.value[0]!;
    expect(a.status).toBe('pending');
    expect(a.pipeline).toMatchObject({
      owner: { id: runId },
      id: String(emu.pipelineId('prod')),
      name: '[Manual]-[Prod]-deployment',
    });
    expect(a.steps.map((s) => s.assignedApprover.uniqueName)).toEqual([
      'devops.lead@digitre.example',
      'release.manager@digitre.example',
    ]);
    expect(a.steps[0]!.assignedApprover.id).toBe(lead.id);
    expect(a.instructions).toMatch(/Check the QA results/);
    expect(a.blockedApprovers.map((b) => b.uniqueName)).toEqual(['devops.lead@digitre.example']); // noSelfApproval
    const noSteps = await approvalsRest<ApprovalJson>(bot, emu, 'GET', `/${approvalId}`);
    expect(noSteps?.steps).toEqual([]);
    expect(
      await approvalsRest(bot, emu, 'GET', '/00000000-0000-0000-0000-000000000000'),
    ).toBeNull();
  });

  it('approve → the stage runs and the run succeeds; the decision records who and the comment', async () => {
    const { runId, approvalId } = await queueProd(as(emu, lead), emu);
    const res = await approvalsRest<{ value: ApprovalJson[] }>(
      as(emu, releaseManager),
      emu,
      'PATCH',
      '',
      [{ approvalId, status: 'approved', comment: 'metrics look fine' }],
    );
    const decided = res!.value[0]!;
    expect(decided.status).toBe('approved');
    const step = decided.steps.find((s) => s.status === 'approved')!;
    expect(step.actualApprover?.uniqueName).toBe('release.manager@digitre.example');
    expect(step.comment).toBe('metrics look fine');
    await emu.engine.waitFor(runId, (r) => r.status === 'completed', 5000);
    const run = await (
      await bot.getPipelinesApi()
    ).getRun(emu.project, emu.pipelineId('prod'), runId);
    expect(run.result).toBe(RunResult.Succeeded);
  });

  it('reject → the stage fails as rejected and the run fails', async () => {
    const { runId, approvalId } = await queueProd(bot, emu);
    await approvalsRest(as(emu, lead), emu, 'PATCH', '', [
      { approvalId, status: 'rejected', comment: 'not today' },
    ]);
    const done = await emu.engine.waitFor(runId, (r) => r.status === 'completed', 5000);
    expect(done.result).toBe('failed');
    const stage = done.stages.find((s) => s.name === 'Deploy_Prod')!;
    expect(stage.rejected).toBe(true);
    expect(stage.tasks.every((t) => t.result === 'skipped')).toBe(true);
    const a = await approvalsRest<ApprovalJson>(bot, emu, 'GET', `/${approvalId}?$expand=steps`);
    expect(a?.status).toBe('rejected');
  });

  it('refuses non-approvers, self-approval, the PAT service identity and second decisions', async () => {
    const { approvalId } = await queueProd(as(emu, lead), emu);
    const patch = (api: WebApi, status = 'approved') =>
      approvalsRest(api, emu, 'PATCH', '', [{ approvalId, status, comment: 'x' }]);
    await expect(patch(as(emu, engineer))).rejects.toMatchObject({
      statusCode: 403,
      message: expect.stringMatching(/Ml Engineer .* is not an approver/),
    });
    await expect(patch(as(emu, lead))).rejects.toMatchObject({
      statusCode: 403,
      message: expect.stringMatching(/requested run/),
    });
    await expect(patch(bot)).rejects.toMatchObject({
      statusCode: 403,
      message: expect.stringMatching(/DigitRE ChatOps/),
    });
    await expect(patch(as(emu, releaseManager), 'maybe')).rejects.toMatchObject({
      statusCode: 400,
    });
    await patch(as(emu, releaseManager));
    await expect(patch(as(emu, releaseManager), 'rejected')).rejects.toMatchObject({
      statusCode: 409,
      message: expect.stringMatching(/already been approved by Release Manager on \d{4}-/),
    });
  });

  it('with serviceIdentityIsApprover the bot PAT may decide (local mode)', async () => {
    const local = await fastEmulator({ serviceIdentityIsApprover: true, seed: false });
    try {
      const api = patApi(local);
      const { runId, approvalId } = await queueProd(api, local);
      const res = await approvalsRest<{ value: ApprovalJson[] }>(api, local, 'PATCH', '', [
        { approvalId, status: 'approved', comment: 'ok' },
      ]);
      expect(
        res!.value[0]!.steps.find((s) => s.status === 'approved')?.actualApprover?.displayName,
      ).toBe('DigitRE ChatOps');
      expect(
        (await local.engine.waitFor(runId, (r) => r.status === 'completed', 5000)).result,
      ).toBe('succeeded');
    } finally {
      await local.close();
    }
  });

  it('cancelling a run waiting on approval cancels the approval', async () => {
    const { runId, approvalId } = await queueProd(bot, emu);
    await (await bot.getBuildApi()).updateBuild({ status: 4 }, emu.project, runId);
    expect((await emu.engine.waitFor(runId, (r) => r.status === 'completed', 5000)).result).toBe(
      'canceled',
    );
    expect(emu.engine.approval(approvalId)?.status).toBe('canceled');
  });
});

describe('emulator: queueing from outside the bot (demos, tests, benchmarks)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await fastEmulator({ seed: false });
  });
  afterAll(() => emu.close());

  it('queueRun starts a catalog pipeline; untilWaitingForApproval resolves with its approval', async () => {
    const run = emu.queueRun('prod', { modelVersion: '3' });
    expect(run.templateParameters).toEqual({ modelVersion: '3' });
    const approval = await emu.untilWaitingForApproval(run.id);
    expect(approval.runId).toBe(run.id);
    expect(emu.engine.pendingApprovals(run.id).map((a) => a.id)).toEqual([approval.id]);
  });

  it('names the known pipelines for an unknown key, and gives up on a run that never waits', async () => {
    expect(() => emu.queueRun('prd')).toThrow(/no pipeline "prd".*known: .*prod/);
    const cleanup = emu.queueRun('dev-cleanup');
    await expect(emu.untilWaitingForApproval(cleanup.id, 200)).rejects.toThrow(
      `run ${cleanup.id} never reached an approval`,
    );
  });
});
