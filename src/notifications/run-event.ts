import type { Catalog } from '../catalog/catalog-schema';
import type { RunSummary } from '../devops/devops-port';
import type { RunEventForFilter, RunEventKind } from '../subscriptions/subscription';
import type { AdoEvent } from './ado-event';
import { catalogIndex } from '../catalog/catalog-index';

/**
 * One thing that happened to a run, whether a service hook or the poller saw it. Only `runId`
 * is certain; the rest is filled in from the fresh run when the processor reads it.
 */
export interface RunEvent {
  /** Envelope id, or `poll:…` for the poller's synthetic events. */
  id: string;
  source: 'webhook' | 'poll';
  /** Absent only for approval events that did not name their run (resolved by approval id). */
  runId?: number;
  kind: RunEventKind;
  pipelineKey?: string;
  /** Azure DevOps pipeline (definition) name, e.g. `[Manual]-[Prod]-deployment`. */
  pipelineName?: string;
  environment?: string;
  result?: string;
  branch?: string;
  /** Approval events: the approval and whether it is pending or decided. */
  approval?: { id: string; pending: boolean };
}

/**
 * The catalog pipeline an Azure DevOps pipeline name belongs to (names are unique in a project,
 * compared case-insensitively as Azure DevOps does).
 * @example pipelineKeyForName(catalog, '[Manual]-[Prod]-deployment') // 'prod'
 */
export function pipelineKeyForName(
  catalog: Catalog,
  name: string | null | undefined,
): string | undefined {
  return catalogIndex(catalog).pipelineNamed(name)?.key;
}

/**
 * The environment a pipeline (or one of its stages) deploys to, from the catalog.
 * @example environmentFor(catalog, 'prod', 'Deploy_Prod') // 'prod'
 */
export function environmentFor(
  catalog: Catalog,
  pipelineKey: string | undefined,
  stageName?: string | null,
): string | undefined {
  return catalogIndex(catalog).environmentOf(pipelineKey, stageName)?.key;
}

function environmentByName(catalog: Catalog, name: string | null | undefined): string | undefined {
  return catalogIndex(catalog).environmentNamed(name)?.key;
}

function defined<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && v !== null),
  ) as T;
}

/**
 * Maps a service-hook envelope to the run event filters and cards work with.
 * @example runEventFromEnvelope(event, catalog) // { runId: 42, kind: 'completed', result: 'failed', pipelineKey: 'prod', … }
 */
export function runEventFromEnvelope(event: AdoEvent, catalog: Catalog): RunEvent {
  const base = { id: event.id, source: 'webhook' as const };
  switch (event.eventType) {
    case 'ms.vss-pipelines.run-state-changed-event': {
      const { run, pipeline } = event.resource;
      const pipelineName = pipeline?.name ?? run.pipeline?.name ?? undefined;
      const pipelineKey = pipelineKeyForName(catalog, pipelineName);
      const completed = run.state === 'completed';
      return defined({
        ...base,
        runId: run.id,
        kind: completed ? 'completed' : run.state === 'canceling' ? 'stageChanged' : 'started',
        pipelineName: pipelineName ?? undefined,
        pipelineKey,
        environment: environmentFor(catalog, pipelineKey),
        result: completed ? (run.result ?? undefined) : undefined,
        branch: run.resources?.repositories?.self?.refName ?? undefined,
      });
    }
    case 'ms.vss-pipelines.stage-state-changed-event': {
      const { run, pipeline, stage } = event.resource;
      const pipelineName = pipeline?.name ?? run.pipeline?.name ?? undefined;
      const pipelineKey = pipelineKeyForName(catalog, pipelineName);
      return defined({
        ...base,
        runId: run.id,
        kind: 'stageChanged',
        pipelineName: pipelineName ?? undefined,
        pipelineKey,
        environment: environmentFor(catalog, pipelineKey, stage?.name),
        branch: run.resources?.repositories?.self?.refName ?? undefined,
      });
    }
    case 'ms.vss-pipelinechecks-events.approval-pending':
    case 'ms.vss-pipelinechecks-events.approval-completed': {
      const r = event.resource;
      const pending = event.eventType === 'ms.vss-pipelinechecks-events.approval-pending';
      const pipelineName = r.pipeline?.name ?? undefined;
      const pipelineKey = pipelineKeyForName(catalog, pipelineName);
      const runId = r.run?.id ?? (r.id && r.id > 0 ? r.id : undefined);
      const stageName = r.stageName ?? r.stage?.name;
      const envName = r.resource?.type === 'environment' ? r.resource.name : undefined;
      return defined({
        ...base,
        runId: runId ?? undefined,
        kind: pending ? 'waitingForApproval' : 'stageChanged',
        pipelineName,
        pipelineKey,
        environment:
          environmentByName(catalog, envName) ?? environmentFor(catalog, pipelineKey, stageName),
        approval: { id: r.approval.id, pending },
      });
    }
    case 'build.complete': {
      const r = event.resource;
      const pipelineName = r.definition?.name ?? undefined;
      const pipelineKey = pipelineKeyForName(catalog, pipelineName);
      return defined({
        ...base,
        runId: r.id,
        kind: 'completed',
        pipelineName,
        pipelineKey,
        environment: environmentFor(catalog, pipelineKey),
        result: r.result ?? undefined,
        branch: r.sourceBranch ?? undefined,
      });
    }
  }
}

/**
 * What subscription filters look at, completed from the fresh run where the event was silent.
 * @example subscribersFor(store, filterEventFor(event, run, catalog))
 */
export function filterEventFor(
  event: RunEvent,
  run: RunSummary,
  catalog: Catalog,
): RunEventForFilter {
  const pipelineKey =
    event.pipelineKey ?? run.pipelineKey ?? pipelineKeyForName(catalog, run.pipelineName);
  const result = event.kind === 'completed' ? (event.result ?? run.result) : undefined;
  return defined({
    pipelineKey,
    environment: event.environment ?? environmentFor(catalog, pipelineKey),
    kind: event.kind,
    result: result?.toLowerCase(),
    branch: event.branch ?? run.branch,
  });
}
