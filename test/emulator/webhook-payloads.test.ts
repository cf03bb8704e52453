import type { WebApi } from 'azure-devops-node-api';
import type { Emulator } from '../../src/emulator/start-emulator';
import { approvalsRest, bearerApi, personJwtClaims, type Received } from './emulator-fixture';
import {
  describeEvent,
  GUID,
  ISO7,
  lead,
  resourceOf,
  rm,
  runIdOf,
  startHookedEmulator,
  type HookedEmulator,
  type Obj,
} from './webhook-kit';

// The payloads (src/emulator/webhook-payloads.ts) of every event a run sends, in order.
describe('emulator: service hook payloads', () => {
  let hooked: HookedEmulator;
  let emu: Emulator;
  let receiver: HookedEmulator['receiver'];
  let bot: WebApi;
  beforeAll(async () => {
    hooked = await startHookedEmulator();
    ({ emu, receiver, bot } = hooked);
  });
  afterAll(() => hooked.close());

  it('posts every event type in the realistic order with the real envelopes', async () => {
    const pipelines = await bearerApi(
      emu,
      personJwtClaims(lead.uniqueName, lead.displayName, lead.id),
    ).getPipelinesApi();
    const run = await pipelines.runPipeline(
      { templateParameters: { modelVersion: '3' } },
      emu.project,
      emu.pipelineId('prod'),
    );
    await emu.engine.waitFor(run.id!, (r) => r.stages.some((s) => s.waiting), 5000);
    const approvalId = emu.engine.pendingApprovals(run.id!)[0]!.id;
    await approvalsRest(
      bearerApi(emu, personJwtClaims(rm.uniqueName, rm.displayName, rm.id)),
      emu,
      'PATCH',
      '',
      [{ approvalId, status: 'approved', comment: 'go' }],
    );
    await emu.engine.waitFor(run.id!, (r) => r.status === 'completed', 5000);
    await emu.hooks.idle();

    const events = receiver.received.filter((r) => runIdOf(r) === run.id);
    expect(events.map(describeEvent)).toEqual([
      'run inProgress',
      'stage Build running',
      'job Build/Job running', // a type the bot does not handle, delivered all the same
      'stage Build completed succeeded',
      'job Build/Job completed succeeded',
      'stage Deploy_Prod waiting',
      'approval-pending pending',
      'approval-completed approved',
      'stage Deploy_Prod running',
      'job Deploy_Prod/Deploy running',
      'stage Deploy_Prod completed succeeded',
      'job Deploy_Prod/Deploy completed succeeded',
      'run completed succeeded',
      'build.complete succeeded',
    ]);

    // Transport: basic auth and the custom header on every POST.
    for (const e of events) {
      expect(e.headers.authorization).toBe(`Basic ${Buffer.from('ado:s3cret').toString('base64')}`);
      expect(e.headers['x-bot-secret']).toBe('abc');
      expect(e.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    // Envelope: unique ids, per-subscription notification counter, containers, dates.
    expect(new Set(events.map((e) => e.body.id)).size).toBe(events.length);
    const notificationIds = events.map((e) => e.body.notificationId as number);
    expect(notificationIds).toEqual([...notificationIds].sort((a, b) => a - b));
    const subId = emu.hooks.list()[0]!.id;
    const projectId = ((events[0]!.body.resourceContainers as Obj).project as Obj).id;
    for (const e of events) {
      expect(e.body).toMatchObject({
        subscriptionId: subId,
        resourceContainers: {
          collection: { id: expect.stringMatching(GUID) },
          account: { id: expect.stringMatching(GUID) },
          project: { id: projectId },
        },
      });
      expect(e.body.id).toMatch(GUID);
      expect(e.body.createdDate).toMatch(ISO7);
      expect(Object.keys(e.body.message as Obj).sort()).toEqual(['html', 'markdown', 'text']);
      expect(e.body.detailedMessage).toBeDefined();
    }

    const [
      runStarted,
      stageRunning,
      ,
      ,
      ,
      stageWaiting,
      pending,
      completed,
      ,
      ,
      ,
      ,
      runDone,
      buildComplete,
    ] = events as Received[];
    // run-state-changed
    expect(runStarted!.body).toMatchObject({
      eventType: 'ms.vss-pipelines.run-state-changed-event',
      publisherId: 'pipelines',
      resourceVersion: '5.1-preview.1',
    });
    expect((runStarted!.body.message as Obj).text).toBe(`Run ${run.name} in progress.`);
    const runRes = resourceOf(runStarted!);
    expect(runRes.pipeline).toMatchObject({
      id: emu.pipelineId('prod'),
      name: '[Manual]-[Prod]-deployment',
      revision: 1,
      folder: '\\',
    });
    expect(runRes.run).toMatchObject({
      id: run.id,
      name: run.name,
      state: 'inProgress',
      templateParameters: { modelVersion: '3' },
    });
    expect(((runRes.run as Obj)._links as Obj)['web']).toEqual({
      href: expect.stringContaining(`/_build/results?buildId=${run.id}`),
    });
    expect(resourceOf(runDone!).run as Obj).toMatchObject({
      state: 'completed',
      result: 'succeeded',
      finishedDate: expect.stringMatching(ISO7),
    });
    expect((runDone!.body.message as Obj).text).toBe(`Run ${run.name} succeeded.`);
    // stage-state-changed
    expect(stageRunning!.body).toMatchObject({
      eventType: 'ms.vss-pipelines.stage-state-changed-event',
      publisherId: 'pipelines',
    });
    const stage = resourceOf(stageRunning!).stage as Obj;
    expect(stage).toMatchObject({
      name: 'Build',
      displayName: 'Build',
      state: 'running',
      id: expect.stringMatching(GUID),
    });
    expect(resourceOf(stageRunning!).run).toMatchObject({ id: run.id, name: run.name });
    expect((stageRunning!.body.message as Obj).text).toBe(`Run ${run.name} stage Build running.`);
    expect(resourceOf(stageWaiting!).stage).toMatchObject({
      name: 'Deploy_Prod',
      displayName: 'Deploy Production',
      state: 'waiting',
    });
    // The stage id is the timeline Stage record id.
    const tl = await (await bot.getBuildApi()).getBuildTimeline(emu.project, run.id!);
    expect(tl.records!.find((r) => r.type === 'Stage' && r.identifier === 'Build')?.id).toBe(
      stage.id,
    );
    // approval-pending / approval-completed
    expect(pending!.body).toMatchObject({
      eventType: 'ms.vss-pipelinechecks-events.approval-pending',
      publisherId: 'pipelines',
      resourceVersion: '5.1-preview.1',
    });
    expect((pending!.body.message as Obj).text).toBe(
      `Approval pending for deployment of pipeline ${run.name} to environment prod.`,
    );
    const pr = resourceOf(pending!);
    expect(pr).toMatchObject({
      projectId,
      pipeline: { id: emu.pipelineId('prod'), name: '[Manual]-[Prod]-deployment' },
      run: { id: run.id, name: run.name },
      stage: { name: 'Deploy_Prod', state: 'waiting' },
      resource: { type: 'environment', name: 'prod' },
      id: run.id,
      stageName: 'Deploy_Prod',
      attemptId: 1,
    });
    expect(pr.approval).toMatchObject({
      id: approvalId,
      status: 'pending',
      minRequiredApprovers: 1,
      pipeline: { owner: { id: run.id, name: run.name }, id: String(emu.pipelineId('prod')) },
    });
    expect(
      ((pr.approval as Obj).steps as Obj[]).map((s) => (s.assignedApprover as Obj).uniqueName),
    ).toEqual([lead.uniqueName, rm.uniqueName]);
    expect(completed!.body.eventType).toBe('ms.vss-pipelinechecks-events.approval-completed');
    expect((completed!.body.message as Obj).text).toMatch(
      /^Approval completed for deployment of pipeline/,
    );
    const steps = (resourceOf(completed!).approval as Obj).steps as Obj[];
    expect(steps.find((s) => s.status === 'approved')).toMatchObject({
      actualApprover: { uniqueName: rm.uniqueName },
      comment: 'go',
    });
    // build.complete
    expect(buildComplete!.body).toMatchObject({
      eventType: 'build.complete',
      publisherId: 'tfs',
      resourceVersion: '2.0',
    });
    expect((buildComplete!.body.message as Obj).text).toBe(`Build ${run.name} succeeded`);
    expect(resourceOf(buildComplete!)).toMatchObject({
      id: run.id,
      buildNumber: run.name,
      status: 'completed',
      result: 'succeeded',
      definition: { id: emu.pipelineId('prod') },
      requestedBy: { uniqueName: lead.uniqueName },
      templateParameters: { modelVersion: '3' },
      finishTime: expect.stringMatching(ISO7),
    });
  });

  it('reports a rejected stage as result "rejected" and the run as failed', async () => {
    receiver.received.length = 0;
    const pipelines = await bot.getPipelinesApi();
    const run = await pipelines.runPipeline(
      { templateParameters: { modelVersion: '1' } },
      emu.project,
      emu.pipelineId('prod'),
    );
    await emu.engine.waitFor(run.id!, (r) => r.stages.some((s) => s.waiting), 5000);
    const approvalId = emu.engine.pendingApprovals(run.id!)[0]!.id;
    emu.engine.decide(approvalId, 'rejected', 'no', lead);
    await emu.engine.waitFor(run.id!, (r) => r.status === 'completed', 5000);
    await emu.hooks.idle();
    expect(
      receiver.received
        .filter((r) => runIdOf(r) === run.id)
        .map(describeEvent)
        .slice(-4),
    ).toEqual([
      'approval-completed rejected',
      'stage Deploy_Prod completed rejected',
      'run completed failed',
      'build.complete failed',
    ]);
  });
});
