import type { TokenCredential } from '@azure/identity';
import {
  BuildQueryOrder,
  BuildResult,
  BuildStatus,
} from 'azure-devops-node-api/interfaces/BuildInterfaces';
import type { RunPipelineParameters } from 'azure-devops-node-api/interfaces/PipelinesInterfaces';
import { parse as parseYaml } from 'yaml';
import type { Catalog, PipelineSpec } from '../catalog/catalog-schema';
import { findEnvironment } from '../catalog/find-in-catalog';
import type { Clock } from '../clock/clock';
import { AdoTransport, rateLimitOfResponse, signInError, type DevOpsLogger } from './ado-transport';
import { ApprovalsClient } from './approvals-client';
import {
  DevOpsError,
  type ActAs,
  type ApprovalSummary,
  type DevOpsPort,
  type GetRunOptions,
  type LogTail,
  type LogTailOptions,
  type ModelVersion,
  type RunPreview,
  type RunRequest,
  type RunSummary,
} from './devops-port';
import { knownBuild } from './known-build';
import { toApprovalSummary } from './map-approval';
import { runToSummary, toRunSummary, type MapContext } from './map-build';
import { failedTask, toStages } from './map-timeline';
import { REQUEST_ID_PARAMETER, requestIdOf } from './request-id';
import type { RetryOptions } from './retry-policy';
import type { BuildLike, RunLike, TimelineLike } from './wire-types';

export type { DevOpsLogger } from './ado-transport';

export interface AdoDevOpsOptions {
  /** e.g. `https://dev.azure.com/digitre` (or the emulator's `orgUrl`). */
  orgUrl: string;
  project: string;
  catalog: Catalog;
  /** A PAT, or an Entra ID credential (token scope `499b84ac-…/.default`, refreshed early). */
  auth: { pat: string } | { credential: TokenCredential };
  /** Per HTTP call. Default 35 000 ms (the service delays throttled calls up to 30 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** For jitter; tests pin it. */
  random?: () => number;
  logger?: DevOpsLogger;
}

/** How many recent builds to scan for a run queued by an attempt we could not confirm. */
const DEDUP_SCAN = 50;
const LOG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/;

interface BuildQuery {
  definitions?: number[];
  buildIds?: number[];
  resultFilter?: BuildResult;
  top?: number;
  maxBuildsPerDefinition?: number;
}

/**
 * `DevOpsPort` over azure-devops-node-api (Build + Pipelines APIs) and raw REST for approvals,
 * all through ONE `WebApi` so location discovery happens once.
 * @example
 *   const devops = createAdoDevOps({ orgUrl, project: 'DigitRE', catalog, auth: { pat } });
 *   const run = await devops.runPipeline({ pipelineKey: 'qa', parameters: { modelVersion: '3' }, correlationId });
 */
export class AdoDevOps implements DevOpsPort {
  private readonly t: AdoTransport;
  private readonly approvals: ApprovalsClient;
  private readonly ctx: MapContext;
  private pipelineIds: Promise<Map<string, number>> | undefined;
  /** Pipelines that refused the request-id parameter (not declared in their YAML). */
  private readonly withoutRequestId = new Set<number>();

  constructor(private readonly opts: AdoDevOpsOptions) {
    this.t = new AdoTransport(opts);
    const orgUrl = opts.orgUrl.replace(/\/+$/, '');
    this.ctx = { catalog: opts.catalog, orgUrl, project: opts.project };
    this.approvals = new ApprovalsClient(orgUrl, opts.project);
  }

  async runPipeline(req: RunRequest, actAs?: ActAs): Promise<RunSummary> {
    const spec = this.spec(req.pipelineKey);
    const pipelineId = await this.pipelineId(spec);
    // The request id rides as a runtime parameter the pipeline declares, so no admin has to mark
    // a variable "Settable at queue time"; a pipeline without it still runs, unprotected.
    const tagged = !this.withoutRequestId.has(pipelineId);
    const body: RunPipelineParameters = {
      resources: { repositories: { self: { refName: toRef(req.branch ?? spec.defaultBranch) } } },
      templateParameters: {
        ...req.parameters,
        ...(tagged ? { [REQUEST_ID_PARAMETER]: req.correlationId } : {}),
      },
    };
    if (req.stagesToSkip?.length) body.stagesToSkip = [...req.stagesToSkip];
    try {
      return await this.queueOnce(spec, pipelineId, body, req.correlationId, actAs, req.lookFirst);
    } catch (err) {
      if (!tagged || !undeclaredRequestId(err)) throw err;
      this.withoutRequestId.add(pipelineId);
      this.t.logger.warn(
        { pipeline: spec.name },
        `runPipeline: the pipeline does not declare the ${REQUEST_ID_PARAMETER} parameter; queuing without duplicate protection (npm run doctor explains the fix)`,
      );
      delete body.templateParameters![REQUEST_ID_PARAMETER];
      return this.queueOnce(spec, pipelineId, body, undefined, actAs);
    }
  }

  /** Queues with retries; with a request id, a retry after an ambiguous failure looks first. */
  private queueOnce(
    spec: PipelineSpec,
    pipelineId: number,
    body: RunPipelineParameters,
    requestId: string | undefined,
    actAs: ActAs | undefined,
    lookFirst = false,
  ): Promise<RunSummary> {
    return this.t.retrying('runPipeline', async (_attempt, previous) => {
      // The server may have queued the run before the failure reached us: look before queuing.
      // A redelivered message (lookFirst) may have queued its run before the crash, too.
      if ((previous?.ambiguous || lookFirst) && requestId) {
        const existing = await this.findByRequestId(pipelineId, requestId);
        if (existing) {
          this.t.logger.warn(
            { runId: existing.id },
            'runPipeline: found the run a failed attempt queued',
          );
          return existing;
        }
      }
      const run = await this.queueRun(pipelineId, body, actAs);
      if (!run) throw new DevOpsError('notFound', `pipeline ${spec.name} was not found`);
      return runToSummary(run, this.ctx);
    });
  }

  /** One POST: the Pipelines client for the bot, raw REST with the user's token for actAs. */
  private async queueRun(
    pipelineId: number,
    body: RunPipelineParameters,
    actAs: ActAs | undefined,
  ): Promise<RunLike | null> {
    if (!actAs) {
      return this.t.call('runPipeline', async () =>
        (await this.t.pipelines()).runPipeline(body, this.opts.project, pipelineId),
      );
    }
    const url = `${this.projectUrl()}/_apis/pipelines/${pipelineId}/runs?api-version=7.1`;
    const res = await this.t.call(
      'runPipeline',
      () =>
        this.t.rest(actAs).create<RunLike>(url, body, {
          acceptHeader: 'application/json;api-version=7.1',
        }),
      rateLimitOfResponse,
    );
    return res.result;
  }

  async previewRun(req: Omit<RunRequest, 'correlationId'>): Promise<RunPreview> {
    const spec = this.spec(req.pipelineKey);
    const pipelineId = await this.pipelineId(spec);
    const body: RunPipelineParameters = {
      previewRun: true,
      resources: { repositories: { self: { refName: toRef(req.branch ?? spec.defaultBranch) } } },
      templateParameters: { ...req.parameters },
    };
    if (req.stagesToSkip?.length) body.stagesToSkip = [...req.stagesToSkip];
    const preview = await this.t.retrying('previewRun', () =>
      this.t.call('previewRun', async () =>
        (await this.t.pipelines()).preview(body, this.opts.project, pipelineId),
      ),
    );
    const yaml = preview?.finalYaml ?? '';
    const skip = new Set(req.stagesToSkip ?? []);
    return { yaml, stages: stagesOf(yaml, spec).filter((s) => !skip.has(s)) };
  }

  async getRun(runId: number, opts?: GetRunOptions): Promise<RunSummary | null> {
    // Build and timeline side by side: one round trip for a card instead of two.
    const timelineRead = opts?.withStages ? this.timeline('getRun', runId) : undefined;
    timelineRead?.catch(() => undefined); // awaited below; a missing build explains the failure
    let summary: RunSummary;
    if (opts?.known) {
      summary = knownBuild(opts.known, runId);
    } else {
      const build = await this.t.retrying('getRun', () =>
        this.t.call('getBuild', async () =>
          (await this.t.builds()).getBuild(this.opts.project, runId),
        ),
      );
      if (!build) return null;
      summary = toRunSummary(build, this.ctx);
    }
    if (timelineRead) {
      const timeline = await timelineRead;
      summary.stages = toStages(timeline);
      const failed = failedTask(timeline);
      if (failed) summary.failedTask = failed;
    }
    return summary;
  }

  async listRuns(opts?: {
    pipelineKey?: string;
    top?: number;
    perPipeline?: number;
  }): Promise<RunSummary[]> {
    const definitions = opts?.pipelineKey
      ? [await this.pipelineId(this.spec(opts.pipelineKey))]
      : await this.catalogPipelineIds();
    if (definitions.length === 0) return [];
    const builds = await this.getBuilds('listRuns', {
      definitions,
      top: opts?.top ?? 100,
      maxBuildsPerDefinition: opts?.perPipeline,
    });
    return newestFirst(builds.map((b) => toRunSummary(b, this.ctx)));
  }

  async getRuns(runIds: number[]): Promise<RunSummary[]> {
    if (runIds.length === 0) return [];
    const builds = await this.getBuilds('getRuns', { buildIds: [...new Set(runIds)] });
    const byId = new Map(builds.map((b) => [b.id, toRunSummary(b, this.ctx)]));
    return runIds.flatMap((id) => {
      const run = byId.get(id);
      return run ? [run] : [];
    });
  }

  async pendingApprovals(filter?: {
    runId?: number;
    environment?: string;
  }): Promise<ApprovalSummary[]> {
    let envKey: string | undefined;
    if (filter?.environment !== undefined) {
      envKey = findEnvironment(this.opts.catalog, filter.environment)?.key;
      if (!envKey) return [];
    }
    const { result } = await this.t.retrying('pendingApprovals', () =>
      this.t.call(
        'approvals.pending',
        () => this.approvals.pending(this.t.rest()),
        rateLimitOfResponse,
      ),
    );
    return result
      .map((a) => toApprovalSummary(a, this.opts.catalog))
      .filter((a) => filter?.runId === undefined || a.runId === filter.runId)
      .filter((a) => envKey === undefined || a.environment === envKey);
  }

  async getApproval(approvalId: string): Promise<ApprovalSummary | null> {
    const { result } = await this.t.retrying('getApproval', () =>
      this.t.call(
        'approvals.get',
        () => this.approvals.get(this.t.rest(), approvalId),
        rateLimitOfResponse,
      ),
    );
    return result ? toApprovalSummary(result, this.opts.catalog) : null;
  }

  async decideApproval(
    approvalId: string,
    decision: 'approved' | 'rejected',
    comment: string,
    actAs?: ActAs,
  ): Promise<ApprovalSummary> {
    const rest = this.t.rest(actAs);
    const approval = await this.t
      .retrying('decideApproval', async (_attempt, previous) => {
        // A decision that timed out may have landed; deciding twice would fail confusingly.
        if (previous?.ambiguous) {
          const current = await this.t.call(
            'approvals.get',
            () => this.approvals.get(rest, approvalId),
            rateLimitOfResponse,
          );
          if (current.result && current.result.status !== 'pending') return current.result;
        }
        const res = await this.t.call(
          'approvals.decide',
          () => this.approvals.decide(rest, approvalId, decision, comment),
          rateLimitOfResponse,
        );
        return res.result;
      })
      .catch(async (err: unknown) => {
        // Microsoft documents no status for deciding a decided approval, so we do not depend on
        // one: after any refusal, an approval that is no longer pending is a conflict.
        if (!(err instanceof DevOpsError) || !['conflict', 'invalidParameter'].includes(err.code))
          throw err;
        const now = await this.getApproval(approvalId).catch(() => null);
        if (now && now.status !== 'pending') {
          throw new DevOpsError('conflict', `approval ${approvalId} is already ${now.status}`);
        }
        throw err;
      });
    if (!approval) throw new DevOpsError('notFound', `approval ${approvalId} was not found`);
    return toApprovalSummary(approval, this.opts.catalog);
  }

  async cancelRun(runId: number): Promise<RunSummary> {
    const build = await this.t.retrying('cancelRun', () =>
      this.t.call('updateBuild', async () =>
        (await this.t.builds()).updateBuild(
          { status: BuildStatus.Cancelling },
          this.opts.project,
          runId,
        ),
      ),
    );
    if (!build) throw new DevOpsError('notFound', `run ${runId} was not found`);
    return toRunSummary(build, this.ctx);
  }

  async failingLogTail(runId: number, opts?: LogTailOptions): Promise<LogTail | null> {
    const maxLines = opts?.maxLines ?? 20;
    const failed = opts?.failedTask ?? failedTask(await this.timeline('failingLogTail', runId));
    if (!failed) return null;
    const lines = await this.t.retrying('failingLogTail', () =>
      this.t.call('getBuildLogLines', async () =>
        (await this.t.builds()).getBuildLogLines(this.opts.project, runId, failed.logId),
      ),
    );
    const clean = (lines ?? []).map((l) => l.replace(LOG_TIMESTAMP, ''));
    // The closing "##[section]Finishing: <task>" says nothing; keep the room for real lines.
    while (clean.length > 0 && /^##\[section\]Finishing:/.test(clean[clean.length - 1] ?? '')) {
      clean.pop();
    }
    const tail: LogTail = { task: failed.task, lines: clean.slice(-Math.max(1, maxLines)) };
    if (failed.stage) tail.stage = failed.stage;
    return tail;
  }

  async modelVersions(): Promise<ModelVersion[]> {
    const models = this.opts.catalog.models;
    if (!models) return [];
    const definition = await this.pipelineId(this.spec(models.pipeline));
    const builds = await this.getBuilds('modelVersions', {
      definitions: [definition],
      resultFilter: BuildResult.Succeeded,
      top: 200,
    });
    const seen = new Set<string>();
    const versions: ModelVersion[] = [];
    for (const run of newestFirst(builds.map((b) => toRunSummary(b, this.ctx)))) {
      for (const tag of run.tags) {
        if (!tag.startsWith(models.tagPrefix)) continue;
        const version = tag.slice(models.tagPrefix.length).trim();
        if (!version || seen.has(version)) continue;
        seen.add(version);
        versions.push({ version, runId: run.id, createdDate: run.finishedDate ?? run.createdDate });
      }
    }
    return versions;
  }

  // ---- plumbing ----

  private spec(pipelineKey: string): PipelineSpec {
    const spec = this.opts.catalog.pipelines.find((p) => p.key === pipelineKey);
    if (!spec)
      throw new DevOpsError('notFound', `"${pipelineKey}" is not a pipeline in the catalog`);
    return spec;
  }

  /** Pipeline id by its Azure DevOps name: one list call, cached; reloaded once on a miss. */
  private async pipelineId(spec: PipelineSpec): Promise<number> {
    const name = spec.name.toLowerCase();
    let ids = await this.loadPipelineIds();
    if (!ids.has(name)) {
      this.pipelineIds = undefined; // maybe created since we looked
      ids = await this.loadPipelineIds();
    }
    const id = ids.get(name);
    if (id === undefined) {
      throw new DevOpsError(
        'notFound',
        `pipeline "${spec.name}" does not exist in project ${this.opts.project}; check the catalog's pipeline names`,
      );
    }
    return id;
  }

  private async catalogPipelineIds(): Promise<number[]> {
    const ids = await this.loadPipelineIds();
    return this.opts.catalog.pipelines.flatMap((p) => {
      const id = ids.get(p.name.toLowerCase());
      return id === undefined ? [] : [id];
    });
  }

  private loadPipelineIds(): Promise<Map<string, number>> {
    this.pipelineIds ??= this.t
      .retrying('listPipelines', () =>
        this.t.call('listPipelines', async () =>
          (await this.t.pipelines()).listPipelines(this.opts.project, undefined, 1000),
        ),
      )
      .then(
        (list) => {
          // A JSON API never answers null here: that is an HTML page (sign-in, proxy, wrong URL).
          if (!list) throw signInError('listPipelines');
          // Azure DevOps pipeline names are case-insensitive, so is our lookup.
          return new Map(
            list.flatMap((p) => (p.name && p.id ? [[p.name.toLowerCase(), p.id]] : [])),
          );
        },
        (err: unknown) => {
          this.pipelineIds = undefined; // don't cache a failure
          throw err;
        },
      );
    return this.pipelineIds;
  }

  private async findByRequestId(
    pipelineId: number,
    requestId: string,
  ): Promise<RunSummary | undefined> {
    const builds = await this.fetchBuilds({ definitions: [pipelineId], top: DEDUP_SCAN });
    const match = builds.find((b) => requestIdOf(b.templateParameters) === requestId);
    return match ? toRunSummary(match, this.ctx) : undefined;
  }

  /** One timeline read (with retries). */
  private timeline(what: string, runId: number): Promise<TimelineLike | null> {
    return this.t.retrying(what, () =>
      this.t.call('getBuildTimeline', async () =>
        (await this.t.builds()).getBuildTimeline(this.opts.project, runId),
      ),
    );
  }

  private getBuilds(what: string, q: BuildQuery): Promise<BuildLike[]> {
    return this.t.retrying(what, () => this.fetchBuilds(q));
  }

  /** One Build API list call (no retries of its own). */
  private async fetchBuilds(q: BuildQuery): Promise<BuildLike[]> {
    const list = await this.t.call('getBuilds', async () =>
      (await this.t.builds()).getBuilds(
        this.opts.project,
        q.definitions,
        undefined, // queues
        undefined, // buildNumber
        undefined, // minTime
        undefined, // maxTime
        undefined, // requestedFor
        undefined, // reasonFilter
        undefined, // statusFilter
        q.resultFilter,
        undefined, // tagFilters
        undefined, // properties
        q.top,
        undefined, // continuationToken
        q.maxBuildsPerDefinition,
        undefined, // deletedFilter
        BuildQueryOrder.QueueTimeDescending,
        undefined, // branchName
        q.buildIds,
      ),
    );
    return list ?? [];
  }

  private projectUrl(): string {
    return `${this.ctx.orgUrl}/${encodeURIComponent(this.opts.project)}`;
  }
}

/**
 * Builds the adapter; the composition root picks the credential.
 * @example createAdoDevOps({ orgUrl: emu.orgUrl, project: emu.project, catalog, auth: { pat: emu.pat } })
 */
export function createAdoDevOps(opts: AdoDevOpsOptions): AdoDevOps {
  return new AdoDevOps(opts);
}

/** The service's 400 for a template parameter the YAML does not declare, naming ours. */
function undeclaredRequestId(err: unknown): boolean {
  return (
    err instanceof DevOpsError &&
    err.code === 'invalidParameter' &&
    err.message.includes(`Unexpected parameter '${REQUEST_ID_PARAMETER}'`)
  );
}

function toRef(branch: string): string {
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
}

function newestFirst(runs: RunSummary[]): RunSummary[] {
  return [...runs].sort(
    (a, b) => Date.parse(b.createdDate) - Date.parse(a.createdDate) || b.id - a.id,
  );
}

/** Stage identifiers of an expanded YAML, falling back to the catalog's list. */
function stagesOf(yaml: string, spec: PipelineSpec): string[] {
  try {
    const doc: unknown = parseYaml(yaml);
    const stages = (doc as { stages?: unknown } | null)?.stages;
    if (Array.isArray(stages)) {
      const names = stages.flatMap((s: unknown) => {
        const name = (s as { stage?: unknown } | null)?.stage;
        return typeof name === 'string' ? [name] : [];
      });
      if (names.length > 0) return names;
    }
  } catch {
    // Not YAML we understand; the catalog knows the stages too.
  }
  return spec.stages.map((s) => s.name);
}
