import { catalogIndex } from '../catalog/catalog-index';
import type { Catalog } from '../catalog/catalog-schema';
import type { RunResult, RunState, RunSummary } from './devops-port';
import { enumName, isoDate, type BuildLike, type RunLike } from './wire-types';

/** What the mappers need to name and link a run. */
export interface MapContext {
  catalog: Catalog;
  orgUrl: string;
  project: string;
}

// Build API numbers (BuildStatus / BuildResult) — they differ from the Pipelines API's.
const BUILD_STATE_NUM: Record<number, RunState> = {
  0: 'queued',
  1: 'inProgress',
  2: 'completed',
  4: 'canceling',
  8: 'queued',
  32: 'queued',
};
const BUILD_STATE_NAME: Record<string, RunState> = {
  none: 'queued',
  notstarted: 'queued',
  postponed: 'queued',
  inprogress: 'inProgress',
  cancelling: 'canceling',
  completed: 'completed',
};
const BUILD_RESULT_NUM: Record<number, RunResult> = {
  2: 'succeeded',
  4: 'partiallySucceeded',
  8: 'failed',
  32: 'canceled',
};
const BUILD_RESULT_NAME: Record<string, RunResult> = {
  succeeded: 'succeeded',
  partiallysucceeded: 'partiallySucceeded',
  failed: 'failed',
  canceled: 'canceled',
};
// Pipelines API numbers (RunState / RunResult).
const RUN_STATE_NUM: Record<number, RunState> = {
  0: 'queued',
  1: 'inProgress',
  2: 'canceling',
  4: 'completed',
};
const RUN_STATE_NAME: Record<string, RunState> = {
  unknown: 'queued',
  inprogress: 'inProgress',
  canceling: 'canceling',
  completed: 'completed',
};
const RUN_RESULT_NUM: Record<number, RunResult> = { 1: 'succeeded', 2: 'failed', 4: 'canceled' };
const RUN_RESULT_NAME: Record<string, RunResult> = {
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'canceled',
};

/**
 * A Build API build as the bot's `RunSummary`.
 * @example toRunSummary(await buildApi.getBuild(project, 42), ctx)
 */
export function toRunSummary(build: BuildLike, ctx: MapContext): RunSummary {
  const id = build.id ?? 0;
  const state = enumName(build.status, BUILD_STATE_NUM, BUILD_STATE_NAME) ?? 'queued';
  const result =
    state === 'completed' ? enumName(build.result, BUILD_RESULT_NUM, BUILD_RESULT_NAME) : undefined;
  const pipelineName = build.definition?.name ?? '';
  return compact({
    id,
    name: build.buildNumber ?? String(id),
    pipelineKey: pipelineKeyOf(ctx.catalog, pipelineName),
    pipelineId: build.definition?.id ?? 0,
    pipelineName,
    state,
    result,
    branch: build.sourceBranch ?? '',
    parameters: stringValues(build.templateParameters),
    tags: [...(build.tags ?? [])],
    requestedBy: build.requestedFor?.displayName,
    requestedFor: build.requestedFor
      ? compact({
          id: build.requestedFor.id,
          uniqueName: build.requestedFor.uniqueName,
          displayName: build.requestedFor.displayName,
        })
      : undefined,
    createdDate: isoDate(build.queueTime) ?? new Date(0).toISOString(),
    finishedDate: isoDate(build.finishTime),
    url: webLink(build._links) ?? resultsUrl(ctx, id),
  });
}

/**
 * A Pipelines API run (what `runPipeline` answers) as a `RunSummary`. Runs carry no tags or
 * requester; those fill in on the next Build API read.
 */
export function runToSummary(run: RunLike, ctx: MapContext): RunSummary {
  const id = run.id ?? 0;
  const state = enumName(run.state, RUN_STATE_NUM, RUN_STATE_NAME) ?? 'queued';
  const pipelineName = run.pipeline?.name ?? '';
  return compact({
    id,
    name: run.name ?? String(id),
    pipelineKey: pipelineKeyOf(ctx.catalog, pipelineName),
    pipelineId: run.pipeline?.id ?? 0,
    pipelineName,
    state,
    result:
      state === 'completed' ? enumName(run.result, RUN_RESULT_NUM, RUN_RESULT_NAME) : undefined,
    branch: run.resources?.repositories?.['self']?.refName ?? '',
    parameters: stringValues(run.templateParameters),
    tags: [],
    createdDate: isoDate(run.createdDate) ?? new Date(0).toISOString(),
    finishedDate: isoDate(run.finishedDate),
    url: webLink(run._links) ?? resultsUrl(ctx, id),
  });
}

/** Catalog key for an Azure DevOps pipeline name (names are unique in a catalog). */
export function pipelineKeyOf(catalog: Catalog, pipelineName: string): string | undefined {
  return catalogIndex(catalog).pipelineNamed(pipelineName)?.key; // case-insensitive, as ADO
}

function stringValues(obj: Record<string, unknown> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj ?? {})) {
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

function webLink(links: unknown): string | undefined {
  const href = (links as { web?: { href?: unknown } } | undefined)?.web?.href;
  return typeof href === 'string' ? href : undefined;
}

function resultsUrl(ctx: MapContext, id: number): string {
  return `${ctx.orgUrl.replace(/\/+$/, '')}/${encodeURIComponent(ctx.project)}/_build/results?buildId=${id}`;
}

/** Drops undefined optionals so results compare cleanly with `toEqual`. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
