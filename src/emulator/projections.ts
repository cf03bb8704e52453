/**
 * JSON projections of the one store: Pipeline/Run (Pipelines API), Build/Timeline/logs (Build API),
 * Approval (Approvals API). Shapes follow shared/reference/azure-devops-api.md §2–§3; enums are
 * written as the camelCase strings the real service sends.
 */
import type { Definition, EmulatedApproval, EmulatedRun, EmulatedStage } from './model';
import { type EmulatorContext, findDefinition, projectBase } from './emulator-context';
import { adoDate } from './ids';
import { identityRef } from './identities';

const SYSTEM_ID = '00000002-0000-8888-8000-000000000000';

function defOf(ctx: EmulatorContext, run: EmulatedRun): Definition {
  const d = findDefinition(ctx, run.definitionId);
  if (!d) throw new Error(`run ${run.id} has no definition ${run.definitionId}`);
  return d;
}

/** Pipeline reference (list item / inside a run). */
export function pipelineRef(ctx: EmulatorContext, def: Definition): Record<string, unknown> {
  const url = `${projectBase(ctx)}/_apis/pipelines/${def.id}?revision=${def.revision}`;
  return { url, id: def.id, revision: def.revision, name: def.name, folder: '\\' };
}

export function pipelineJson(
  ctx: EmulatorContext,
  def: Definition,
  withConfiguration: boolean,
): Record<string, unknown> {
  const base = projectBase(ctx);
  return {
    _links: {
      self: { href: `${base}/_apis/pipelines/${def.id}?revision=${def.revision}` },
      web: { href: `${base}/_build/definition?definitionId=${def.id}` },
    },
    ...(withConfiguration
      ? {
          configuration: {
            path: def.spec.yamlPath,
            repository: { id: def.repositoryId, type: 'azureReposGit' },
            type: 'yaml',
          },
        }
      : {}),
    ...pipelineRef(ctx, def),
  };
}

/** Run state/result in the Pipelines vocabulary (`canceling` with one l; no "notStarted"). */
function runState(run: EmulatedRun): string {
  if (run.status === 'completed') return 'completed';
  if (run.status === 'cancelling') return 'canceling';
  return 'inProgress';
}

export function runJson(ctx: EmulatorContext, run: EmulatedRun): Record<string, unknown> {
  const def = defOf(ctx, run);
  const base = projectBase(ctx);
  const self = `${base}/_apis/pipelines/${def.id}/runs/${run.id}`;
  const json: Record<string, unknown> = {
    _links: {
      self: { href: self },
      web: { href: `${base}/_build/results?buildId=${run.id}` },
      'pipeline.web': { href: `${base}/_build/definition?definitionId=${def.id}` },
      pipeline: { href: `${base}/_apis/pipelines/${def.id}?revision=${def.revision}` },
    },
    templateParameters: { ...run.templateParameters },
    pipeline: pipelineRef(ctx, def),
    state: runState(run),
    createdDate: adoDate(run.queueTime),
    url: self,
    resources: {
      repositories: {
        self: {
          repository: { id: def.repositoryId, type: 'azureReposGit' },
          refName: run.sourceBranch,
          version: run.sourceVersion,
        },
      },
    },
    variables: Object.fromEntries(
      Object.entries(run.variables).map(([k, v]) => [
        k,
        v.isSecret ? { isSecret: true } : { value: v.value },
      ]),
    ),
    tags: [...run.tags],
    id: run.id,
    name: run.buildNumber,
  };
  if (run.status === 'completed') {
    json.result = run.result;
    json.finishedDate = adoDate(run.finishTime ?? run.lastChangedDate);
  }
  return json;
}

export function buildJson(ctx: EmulatorContext, run: EmulatedRun): Record<string, unknown> {
  const def = defOf(ctx, run);
  const base = projectBase(ctx);
  const self = `${base}/_apis/build/Builds/${run.id}`;
  const project = {
    id: ctx.project.id,
    name: ctx.project.name,
    state: 'wellFormed',
    visibility: 'private',
  };
  const json: Record<string, unknown> = {
    _links: {
      self: { href: self },
      web: { href: `${base}/_build/results?buildId=${run.id}` },
      sourceVersionDisplayUri: { href: `${base}/_apis/build/builds/${run.id}/sources` },
      timeline: { href: `${base}/_apis/build/builds/${run.id}/Timeline` },
      badge: { href: `${base}/_apis/build/status/${def.id}` },
    },
    properties: {},
    tags: [...run.tags],
    validationResults: [],
    plans: [{ planId: run.planId }],
    templateParameters: { ...run.templateParameters },
    triggerInfo: {},
    id: run.id,
    buildNumber: run.buildNumber,
    status: run.status,
    queueTime: adoDate(run.queueTime),
    url: self,
    definition: {
      drafts: [],
      id: def.id,
      name: def.name,
      url: `${base}/_apis/build/Definitions/${def.id}?revision=${def.revision}`,
      uri: `vstfs:///Build/Definition/${def.id}`,
      path: '\\',
      type: 'build',
      queueStatus: 'enabled',
      revision: def.revision,
      project,
    },
    buildNumberRevision: 1,
    project: { ...project, url: `${ctx.orgUrl}/_apis/projects/${ctx.project.id}`, revision: 1 },
    uri: `vstfs:///Build/Build/${run.id}`,
    sourceBranch: run.sourceBranch,
    sourceVersion: run.sourceVersion,
    queue: {
      id: 9,
      name: 'Azure Pipelines',
      pool: { id: 9, name: 'Azure Pipelines', isHosted: true },
    },
    priority: 'normal',
    reason: run.reason,
    requestedFor: identityRef(run.requestedBy),
    requestedBy: identityRef(run.requestedBy),
    lastChangedDate: adoDate(run.lastChangedDate),
    lastChangedBy: { displayName: 'Microsoft.VisualStudio.Services.TFS', id: SYSTEM_ID },
    parameters: JSON.stringify(
      Object.fromEntries(
        Object.entries(run.variables).map(([k, v]) => [k, v.isSecret ? '***' : v.value]),
      ),
    ),
    orchestrationPlan: { planId: run.planId },
    logs: { id: 0, type: 'Container', url: `${base}/_apis/build/builds/${run.id}/logs` },
    repository: {
      id: def.repositoryId,
      type: 'TfsGit',
      name: def.spec.repository,
      clean: null,
      checkoutSubmodules: false,
    },
    retainedByRelease: false,
    triggeredByBuild: null,
    appendCommitMessageToRunName: true,
  };
  if (run.startTime !== undefined) json.startTime = adoDate(run.startTime);
  if (run.status === 'completed') {
    json.result = run.result;
    json.finishTime = adoDate(run.finishTime ?? run.lastChangedDate);
  }
  return json;
}

function date(ms: number | undefined): string | null {
  return ms === undefined ? null : adoDate(ms);
}

function record(
  fields: Record<string, unknown> & { id: string; type: string; name: string },
  changeId: number,
): Record<string, unknown> {
  return {
    previousAttempts: [],
    parentId: null,
    identifier: null,
    refName: null,
    startTime: null,
    finishTime: null,
    currentOperation: null,
    percentComplete: null,
    state: 'pending',
    result: null,
    resultCode: null,
    changeId,
    lastModified: '0001-01-01T00:00:00',
    workerName: null,
    order: 1,
    details: null,
    errorCount: 0,
    warningCount: 0,
    url: null,
    log: null,
    task: null,
    attempt: 1,
    issues: [],
    ...fields,
  };
}

function stageRecords(
  ctx: EmulatorContext,
  run: EmulatedRun,
  s: EmulatedStage,
): Record<string, unknown>[] {
  const base = projectBase(ctx);
  const c = run.changeId;
  const common = {
    state: s.state,
    result: s.result ?? null,
    startTime: date(s.startTime),
    finishTime: date(s.finishTime),
  };
  const failed = s.tasks.filter((t) => t.result === 'failed').length;
  const out: Record<string, unknown>[] = [
    record(
      {
        id: s.id,
        type: 'Stage',
        name: s.displayName,
        identifier: s.name,
        refName: s.name,
        order: s.order,
        ...common,
      },
      c,
    ),
  ];
  if (s.checkpoint && s.approvalId) {
    const cp = s.checkpoint;
    const cpFields = {
      state: cp.state,
      result: cp.result ?? null,
      startTime: date(cp.startTime),
      finishTime: date(cp.finishTime),
    };
    out.push(
      record(
        {
          id: cp.id,
          parentId: s.id,
          type: 'Checkpoint',
          name: 'Checkpoint',
          identifier: 'Checkpoint',
          ...cpFields,
        },
        c,
      ),
      record(
        {
          id: s.approvalId,
          parentId: cp.id,
          type: 'Checkpoint.Approval',
          name: 'Checkpoint.Approval',
          identifier: s.approvalId,
          ...cpFields,
        },
        c,
      ),
    );
  }
  // A stage that never got past its checks has no phase/job yet, as in the real timeline.
  if (s.tasks.some((t) => t.state !== 'pending') || (s.state === 'completed' && !s.rejected)) {
    const jobCommon = { ...common, errorCount: failed };
    out.push(
      record(
        {
          id: s.phaseId,
          parentId: s.id,
          type: 'Phase',
          name: 'Job',
          identifier: `${s.name}.Job`,
          refName: 'Job',
          ...jobCommon,
        },
        c,
      ),
      record(
        {
          id: s.jobId,
          parentId: s.phaseId,
          type: 'Job',
          name: s.displayName,
          identifier: `${s.name}.Job.__default`,
          refName: 'Job',
          workerName: 'Hosted Agent',
          ...jobCommon,
        },
        c,
      ),
    );
    s.tasks.forEach((t, i) => {
      out.push(
        record(
          {
            id: t.id,
            parentId: s.jobId,
            type: 'Task',
            name: t.name,
            identifier: null,
            order: i + 1,
            state: t.state,
            result: t.result ?? null,
            startTime: date(t.startTime),
            finishTime: date(t.finishTime),
            workerName: t.state === 'pending' ? null : 'Hosted Agent',
            log:
              t.logId === undefined
                ? null
                : {
                    id: t.logId,
                    type: 'Container',
                    url: `${base}/_apis/build/builds/${run.id}/logs/${t.logId}`,
                  },
            task: {
              id: 'd9bafed4-0b18-4f58-968d-86655b4d2ce9',
              name: 'CmdLine',
              version: '2.250.1',
            },
            errorCount: t.result === 'failed' ? 1 : 0,
            issues: t.errorMessage
              ? [
                  {
                    type: 'error',
                    category: 'General',
                    message: t.errorMessage,
                    data: { type: 'error', logFileLineNumber: '1' },
                  },
                ]
              : [],
          },
          c,
        ),
      );
    });
  }
  return out;
}

export function timelineJson(ctx: EmulatorContext, run: EmulatedRun): Record<string, unknown> {
  return {
    records: run.stages.flatMap((s) => stageRecords(ctx, run, s)),
    lastChangedBy: SYSTEM_ID,
    lastChangedOn: adoDate(run.lastChangedDate),
    id: run.timelineId,
    changeId: run.changeId,
    url: `${projectBase(ctx)}/_apis/build/builds/${run.id}/Timeline/${run.timelineId}`,
  };
}

export function buildLogJson(
  ctx: EmulatorContext,
  run: EmulatedRun,
  logId: number,
): Record<string, unknown> {
  const log = run.logs.get(logId)!;
  return {
    lineCount: log.lines.length,
    createdOn: adoDate(log.createdOn),
    lastChangedOn: adoDate(log.lastChangedOn),
    id: log.id,
    type: 'Container',
    url: `${projectBase(ctx)}/_apis/build/builds/${run.id}/logs/${log.id}`,
  };
}

export function approvalJson(
  ctx: EmulatorContext,
  a: EmulatedApproval,
  run: EmulatedRun,
  expandSteps: boolean,
): Record<string, unknown> {
  const base = projectBase(ctx);
  const def = defOf(ctx, run);
  return {
    id: a.id,
    steps: expandSteps
      ? a.steps.map((s) => ({
          assignedApprover: identityRef(s.assignedApprover),
          ...(s.actualApprover ? { actualApprover: identityRef(s.actualApprover) } : {}),
          status: s.status,
          comment: s.comment ?? null,
          initiatedOn: adoDate(s.initiatedOn),
          ...(s.lastModifiedOn !== undefined ? { lastModifiedOn: adoDate(s.lastModifiedOn) } : {}),
          ...(s.actualApprover ? { lastModifiedBy: identityRef(s.actualApprover) } : {}),
          order: s.order,
          history: [],
        }))
      : [],
    status: a.status,
    createdOn: adoDate(a.createdOn),
    lastModifiedOn: adoDate(a.lastModifiedOn),
    ...(a.instructions ? { instructions: a.instructions } : {}),
    executionOrder: 'anyOrder',
    minRequiredApprovers: a.minRequiredApprovers,
    blockedApprovers: a.blockedApprovers.map(identityRef),
    _links: { self: { href: `${base}/_apis/pipelines/approvals/${a.id}` } },
    pipeline: {
      owner: {
        _links: {
          web: { href: `${base}/_build/results?buildId=${run.id}` },
          self: { href: `${base}/_apis/build/Builds/${run.id}` },
        },
        id: run.id,
        name: run.buildNumber,
      },
      id: String(def.id),
      name: def.name,
    },
  };
}
