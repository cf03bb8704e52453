/**
 * Service-hook envelopes (reference §4.2–§4.6) built from engine events. Built synchronously at
 * the moment of the event so later state changes do not leak into earlier notifications.
 */
import type { EngineEvent } from './run-engine';
import type { EmulatedRun, EmulatedStage } from './model';
import {
  type EmulatorContext,
  environmentId,
  findDefinition,
  projectBase,
} from './emulator-context';
import { adoDate } from './ids';
import { approvalJson, buildJson, pipelineRef, runJson } from './projections';

export const EVENT_TYPES = [
  'ms.vss-pipelines.run-state-changed-event',
  'ms.vss-pipelines.stage-state-changed-event',
  'ms.vss-pipelinechecks-events.approval-pending',
  'ms.vss-pipelinechecks-events.approval-completed',
  'build.complete',
  // The bot does not act on job events, but the service delivers them to whoever subscribes
  // (a subscription to "all" gets them too), so the emulator does.
  'ms.vss-pipelines.job-state-changed-event',
] as const;

export type HookEventType = (typeof EVENT_TYPES)[number];

/** An event before it is addressed to a subscription (no subscriptionId/notificationId yet). */
export interface HookEvent {
  id: string;
  eventType: HookEventType;
  publisherId: 'pipelines' | 'tfs';
  /** For publisherInputs filters. */
  pipelineId: number;
  pipelineName: string;
  message: { text: string; html: string; markdown: string };
  detailedMessage: { text: string; html: string; markdown: string };
  resource: Record<string, unknown>;
  resourceVersion: string;
  resourceContainers: Record<string, { id: string; baseUrl: string }>;
  createdDate: string;
}

function msg(text: string, html: string, markdown: string) {
  return { text, html, markdown };
}

/** Stage state in the webhook vocabulary (notStarted/waiting/running/completed). */
function hookStage(
  ctx: EmulatorContext,
  run: EmulatedRun,
  s: EmulatedStage,
): Record<string, unknown> {
  const base = projectBase(ctx);
  const state = s.waiting
    ? 'waiting'
    : s.state === 'pending'
      ? 'notStarted'
      : s.state === 'inProgress'
        ? 'running'
        : 'completed';
  const stage: Record<string, unknown> = {
    _links: {
      web: { href: `${base}/_build/results?buildId=${run.id}` },
      'pipeline.web': { href: `${base}/_build/definition?definitionId=${run.definitionId}` },
    },
    id: s.id,
    name: s.name,
    displayName: s.displayName,
    state,
  };
  if (state === 'completed') stage.result = s.rejected ? 'rejected' : s.result;
  return stage;
}

function stageWord(stage: Record<string, unknown>): string {
  return String(stage.state === 'completed' ? stage.result : stage.state);
}

/**
 * "Run job state changed" for a stage's state change: each emulated stage runs one job. Sent
 * next to the stage event; undefined where no job runs.
 * @example jobEventFor(ctx, { type: 'stage-state', run, stage }, randomGuid(), Date.now())
 */
export function jobEventFor(
  ctx: EmulatorContext,
  e: Extract<EngineEvent, { type: 'stage-state' }>,
  id: string,
  now: number,
): HookEvent | undefined {
  // No job runs while a stage waits for its approval, nor in a rejected or skipped stage.
  if (e.stage.waiting || e.stage.rejected || e.stage.result === 'skipped') return undefined;
  const stageEvent = hookEventFor(ctx, e, id, now);
  const stage = stageEvent.resource.stage as Record<string, unknown>;
  const state = stage.state === 'notStarted' ? 'waiting' : stage.state;
  const job: Record<string, unknown> = {
    _links: stage._links,
    id: e.stage.jobId,
    name: e.stage.environment ? 'Deploy' : 'Job',
    state,
    attempt: 1,
  };
  if (state === 'completed') job.result = stage.result;
  if (e.stage.startTime) job.startTime = adoDate(e.stage.startTime);
  if (e.stage.finishTime) job.finishTime = adoDate(e.stage.finishTime);
  const word = String(state === 'completed' ? job.result : state);
  const m = msg(
    `Run ${e.run.buildNumber} stage ${e.stage.displayName} job ${String(job.name)} ${word}.`,
    `Run ${e.run.buildNumber} stage ${e.stage.displayName} job ${String(job.name)} ${word}.`,
    `Run ${e.run.buildNumber} stage ${e.stage.displayName} job ${String(job.name)} ${word}.`,
  );
  return {
    ...stageEvent,
    eventType: 'ms.vss-pipelines.job-state-changed-event',
    message: m,
    detailedMessage: m,
    resource: { job, ...stageEvent.resource },
  };
}

/** The envelope for one engine event. */
export function hookEventFor(
  ctx: EmulatorContext,
  e: EngineEvent,
  id: string,
  now: number,
): HookEvent {
  const run = e.run;
  const def = findDefinition(ctx, run.definitionId)!;
  const base = projectBase(ctx);
  const web = `${base}/_build/results?buildId=${run.id}`;
  const baseUrl = `${ctx.orgUrl}/`;
  const common = {
    id,
    pipelineId: def.id,
    pipelineName: def.name,
    resourceContainers: {
      collection: { id: ctx.collectionId, baseUrl },
      account: { id: ctx.accountId, baseUrl },
      project: { id: ctx.project.id, baseUrl },
    },
    createdDate: adoDate(now),
  };
  switch (e.type) {
    case 'run-state': {
      const r = runJson(ctx, run);
      const word =
        r.state === 'completed'
          ? String(r.result)
          : r.state === 'canceling'
            ? 'canceling'
            : 'in progress';
      const m = msg(
        `Run ${run.buildNumber} ${word}.`,
        `Run <a href="${web}">${run.buildNumber}</a> ${word}.`,
        `Run [${run.buildNumber}](${web}) ${word}.`,
      );
      return {
        ...common,
        eventType: 'ms.vss-pipelines.run-state-changed-event',
        publisherId: 'pipelines',
        message: m,
        detailedMessage: m,
        resource: { run: r, pipeline: pipelineRef(ctx, def) },
        resourceVersion: '5.1-preview.1',
      };
    }
    case 'stage-state': {
      const stage = hookStage(ctx, run, e.stage);
      const word = stageWord(stage);
      const m = msg(
        `Run ${run.buildNumber} stage ${e.stage.displayName} ${word}.`,
        `Run ${run.buildNumber} stage <a href="${web}">${e.stage.displayName}</a> ${word}.`,
        `Run ${run.buildNumber} stage [${e.stage.displayName}](${web}) ${word}.`,
      );
      return {
        ...common,
        eventType: 'ms.vss-pipelines.stage-state-changed-event',
        publisherId: 'pipelines',
        message: m,
        detailedMessage: m,
        resource: { stage, run: runJson(ctx, run), pipeline: pipelineRef(ctx, def) },
        resourceVersion: '5.1-preview.1',
      };
    }
    case 'approval-pending':
    case 'approval-completed': {
      const env = ctx.catalog.environments.find((x) => x.key === e.approval.environment);
      const envName = env?.key ?? e.approval.environment;
      const envUrl = `${base}/_environments/${environmentId(ctx, envName)}?view=resources`;
      const what = e.type === 'approval-pending' ? 'Approval pending' : 'Approval completed';
      const m = msg(
        `${what} for deployment of pipeline ${run.buildNumber} to environment ${envName}.`,
        `${what} for deployment of pipeline <a href=${web}&view=results> ${run.buildNumber} </a> to environment <a href=${envUrl}>${envName}</a>.`,
        `${what} for deployment of pipeline [${run.buildNumber}](${web}&view=results) to environment [${envName}](${envUrl})`,
      );
      const r = runJson(ctx, run);
      return {
        ...common,
        eventType: `ms.vss-pipelinechecks-events.${e.type}`,
        publisherId: 'pipelines',
        message: m,
        detailedMessage: m,
        resource: {
          approval: approvalJson(ctx, e.approval, run, true),
          projectId: ctx.project.id,
          pipeline: pipelineRef(ctx, def),
          run: { id: run.id, name: run.buildNumber, state: r.state, createdDate: r.createdDate },
          stage: hookStage(ctx, run, e.stage),
          resource: { type: 'environment', id: String(environmentId(ctx, envName)), name: envName },
          id: run.id,
          url: web,
          stageName: e.stage.name,
          attemptId: 1,
        },
        resourceVersion: '5.1-preview.1',
      };
    }
    case 'build-complete': {
      const link = `${ctx.orgUrl}/web/build.aspx?pcguid=${ctx.collectionId}&builduri=vstfs%3a%2f%2f%2fBuild%2fBuild%2f${run.id}`;
      const m = msg(
        `Build ${run.buildNumber} ${run.result}`,
        `Build <a href="${link.replace(/&/g, '&amp;')}">${run.buildNumber}</a> ${run.result}`,
        `Build [${run.buildNumber}](${link}) ${run.result}`,
      );
      return {
        ...common,
        eventType: 'build.complete',
        publisherId: 'tfs',
        message: m,
        detailedMessage: m,
        resource: buildJson(ctx, run),
        resourceVersion: '2.0',
      };
    }
  }
}
