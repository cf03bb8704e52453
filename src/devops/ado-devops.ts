import type { TokenCredential } from '@azure/identity';
import { WebApi, getPersonalAccessTokenHandler } from 'azure-devops-node-api/WebApi';
import { AdoRestClient } from 'azure-devops-node-api/AdoHttpClientBases';
import { BearerCredentialHandler } from 'azure-devops-node-api/handlers/bearertoken';
import type { IBuildApi } from 'azure-devops-node-api/BuildApi';
import type { IPipelinesApi } from 'azure-devops-node-api/PipelinesApi';
import {
  BuildQueryOrder,
  BuildResult,
  BuildStatus,
} from 'azure-devops-node-api/interfaces/BuildInterfaces';
import type { RunPipelineParameters } from 'azure-devops-node-api/interfaces/PipelinesInterfaces';
import { parse as parseYaml } from 'yaml';
import type { Catalog, PipelineSpec } from '../catalog/catalog-schema';
import { findEnvironment } from '../catalog/find-in-catalog';
import { systemClock, type Clock } from '../clock/clock';
import { ApprovalsClient } from './approvals-client';
import { classifyError, type ClassifiedError } from './classify-error';
import {
  DevOpsError,
  type ActAs,
  type ApprovalSummary,
  type DevOpsPort,
  type LogTail,
  type ModelVersion,
  type RunPreview,
  type RunRequest,
  type RunSummary,
} from './devops-port';
import { toApprovalSummary } from './map-approval';
import { correlationIdOf, runToSummary, toRunSummary, type MapContext } from './map-build';
import { failedTask, toStages } from './map-timeline';
import { rateLimitFromHeaders, rateLimitOf, slowDownMs, type RateLimitInfo } from './rate-limit';
import { withRetry, type RetryOptions } from './retry-policy';
import { TokenRefresher } from './token-refresher';
import { withTimeout } from './with-timeout';
import type { BuildLike, RunLike } from './wire-types';

/** Minimal structured logger (pino-compatible). */
export interface DevOpsLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface AdoDevOpsOptions {
  /** e.g. `https://dev.azure.com/digitre` (or the emulator's `orgUrl`). */
  orgUrl: string;
  project: string;
  catalog: Catalog;
  /** A PAT, or an Entra ID credential (token scope `499b84ac-…/.default`, refreshed early). */
  auth: { pat: string } | { credential: TokenCredential };
  /** Per HTTP call. Default 10 000 ms. */
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

const silentLogger: DevOpsLogger = { warn: () => undefined, debug: () => undefined };
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * `DevOpsPort` over azure-devops-node-api (Build + Pipelines APIs) and raw REST for approvals,
 * all through ONE `WebApi` so location discovery happens once.
 * @example
 *   const devops = createAdoDevOps({ orgUrl, project: 'DigitRE', catalog, auth: { pat } });
 *   const run = await devops.runPipeline({ pipelineKey: 'qa', parameters: { modelVersion: '3' }, correlationId });
 */
export class AdoDevOps implements DevOpsPort {
  private readonly webApi: WebApi;
  private readonly approvals: ApprovalsClient;
  private readonly refresher: TokenRefresher | undefined;
  private readonly ctx: MapContext;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: DevOpsLogger;
  private buildApi: Promise<IBuildApi> | undefined;
  private pipelinesApi: Promise<IPipelinesApi> | undefined;
  private pipelineIds: Promise<Map<string, number>> | undefined;

  constructor(private readonly opts: AdoDevOpsOptions) {
    const orgUrl = opts.orgUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.sleep = opts.sleep ?? realSleep;
    this.logger = opts.logger ?? silentLogger;
    this.ctx = { catalog: opts.catalog, orgUrl, project: opts.project };
    let handler;
    if ('pat' in opts.auth) {
      handler = getPersonalAccessTokenHandler(opts.auth.pat);
    } else {
      const bearer = new BearerCredentialHandler('', false);
      this.refresher = new TokenRefresher(opts.auth.credential, bearer, opts.clock ?? systemClock);
      handler = bearer;
    }
    this.webApi = new WebApi(orgUrl, handler, { socketTimeout: this.timeoutMs });
    this.approvals = new ApprovalsClient(orgUrl, opts.project);
  }

  async runPipeline(req: RunRequest, actAs?: ActAs): Promise<RunSummary> {
    const spec = this.spec(req.pipelineKey);
    const pipelineId = await this.pipelineId(spec);
    const body: RunPipelineParameters = {
      resources: { repositories: { self: { refName: toRef(req.branch ?? spec.defaultBranch) } } },
      templateParameters: { ...req.parameters },
      variables: { chatopsCorrelationId: { value: req.correlationId, isSecret: false } },
    };
    if (req.stagesToSkip?.length) body.stagesToSkip = [...req.stagesToSkip];
    return this.retrying('runPipeline', async (_attempt, previous) => {
      // The server may have queued the run before the failure reached us: look before queuing.
      if (previous?.ambiguous) {
        const existing = await this.findByCorrelation(pipelineId, req.correlationId);
        if (existing) {
          this.logger.warn(
            { runId: existing.id },
            'runPipeline: found the run a failed attempt queued',
          );
          return existing;
        }
      }
      const run = actAs
        ? await this.call('runPipeline', () =>
            this.userRest(actAs).create<RunLike>(
              `${this.projectUrl()}/_apis/pipelines/${pipelineId}/runs?api-version=7.1`,
              body,
              { acceptHeader: 'application/json;api-version=7.1' },
            ),
          ).then((res) => res.result)
        : await this.call('runPipeline', async () =>
            (await this.pipelines()).runPipeline(body, this.opts.project, pipelineId),
          );
      if (!run) throw new DevOpsError('notFound', `pipeline ${spec.name} was not found`);
      return runToSummary(run, this.ctx);
    });
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
    const preview = await this.retrying('previewRun', () =>
      this.call('previewRun', async () =>
        (await this.pipelines()).preview(body, this.opts.project, pipelineId),
      ),
    );
    const yaml = preview?.finalYaml ?? '';
    const skip = new Set(req.stagesToSkip ?? []);
    return { yaml, stages: stagesOf(yaml, spec).filter((s) => !skip.has(s)) };
  }

  async getRun(runId: number, opts?: { withStages?: boolean }): Promise<RunSummary | null> {
    const build = await this.retrying('getRun', () =>
      this.call('getBuild', async () => (await this.builds()).getBuild(this.opts.project, runId)),
    );
    if (!build) return null;
    const summary = toRunSummary(build, this.ctx);
    if (opts?.withStages) {
      const timeline = await this.retrying('getRun', () =>
        this.call('getBuildTimeline', async () =>
          (await this.builds()).getBuildTimeline(this.opts.project, runId),
        ),
      );
      summary.stages = toStages(timeline);
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
    const { result } = await this.retrying('pendingApprovals', () =>
      this.call('approvals.pending', () => this.approvals.pending(this.webApi.rest), headersOf),
    );
    return result
      .map((a) => toApprovalSummary(a, this.opts.catalog))
      .filter((a) => filter?.runId === undefined || a.runId === filter.runId)
      .filter((a) => envKey === undefined || a.environment === envKey);
  }

  async getApproval(approvalId: string): Promise<ApprovalSummary | null> {
    const { result } = await this.retrying('getApproval', () =>
      this.call('approvals.get', () => this.approvals.get(this.webApi.rest, approvalId), headersOf),
    );
    return result ? toApprovalSummary(result, this.opts.catalog) : null;
  }

  async decideApproval(
    approvalId: string,
    decision: 'approved' | 'rejected',
    comment: string,
    actAs?: ActAs,
  ): Promise<ApprovalSummary> {
    const rest = actAs ? this.userRest(actAs) : this.webApi.rest;
    const approval = await this.retrying('decideApproval', async (_attempt, previous) => {
      // A decision that timed out may have landed; deciding twice would fail confusingly.
      if (previous?.ambiguous) {
        const current = await this.call(
          'approvals.get',
          () => this.approvals.get(rest, approvalId),
          headersOf,
        );
        if (current.result && current.result.status !== 'pending') return current.result;
      }
      const res = await this.call(
        'approvals.decide',
        () => this.approvals.decide(rest, approvalId, decision, comment),
        headersOf,
      );
      return res.result;
    });
    if (!approval) throw new DevOpsError('notFound', `approval ${approvalId} was not found`);
    return toApprovalSummary(approval, this.opts.catalog);
  }

  async cancelRun(runId: number): Promise<RunSummary> {
    const build = await this.retrying('cancelRun', () =>
      this.call('updateBuild', async () =>
        (await this.builds()).updateBuild(
          { status: BuildStatus.Cancelling },
          this.opts.project,
          runId,
        ),
      ),
    );
    if (!build) throw new DevOpsError('notFound', `run ${runId} was not found`);
    return toRunSummary(build, this.ctx);
  }

  async failingLogTail(runId: number, maxLines = 20): Promise<LogTail | null> {
    const timeline = await this.retrying('failingLogTail', () =>
      this.call('getBuildTimeline', async () =>
        (await this.builds()).getBuildTimeline(this.opts.project, runId),
      ),
    );
    const failed = failedTask(timeline);
    if (!failed) return null;
    const lines = await this.retrying('failingLogTail', () =>
      this.call('getBuildLogLines', async () =>
        (await this.builds()).getBuildLogLines(this.opts.project, runId, failed.logId),
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
    let ids = await this.loadPipelineIds();
    if (!ids.has(spec.name)) {
      this.pipelineIds = undefined; // maybe created since we looked
      ids = await this.loadPipelineIds();
    }
    const id = ids.get(spec.name);
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
      const id = ids.get(p.name);
      return id === undefined ? [] : [id];
    });
  }

  private loadPipelineIds(): Promise<Map<string, number>> {
    this.pipelineIds ??= this.retrying('listPipelines', () =>
      this.call('listPipelines', async () =>
        (await this.pipelines()).listPipelines(this.opts.project, undefined, 1000),
      ),
    ).then(
      (list) => new Map((list ?? []).flatMap((p) => (p.name && p.id ? [[p.name, p.id]] : []))),
      (err: unknown) => {
        this.pipelineIds = undefined; // don't cache a failure
        throw err;
      },
    );
    return this.pipelineIds;
  }

  private async findByCorrelation(
    pipelineId: number,
    correlationId: string,
  ): Promise<RunSummary | undefined> {
    const builds = await this.fetchBuilds({ definitions: [pipelineId], top: DEDUP_SCAN });
    const match = builds.find((b) => correlationIdOf(b) === correlationId);
    return match ? toRunSummary(match, this.ctx) : undefined;
  }

  private getBuilds(what: string, q: BuildQuery): Promise<BuildLike[]> {
    return this.retrying(what, () => this.fetchBuilds(q));
  }

  /** One Build API list call (no retries of its own). */
  private async fetchBuilds(q: BuildQuery): Promise<BuildLike[]> {
    const list = await this.call('getBuilds', async () =>
      (await this.builds()).getBuilds(
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

  private builds(): Promise<IBuildApi> {
    this.buildApi ??= this.webApi.getBuildApi().catch((err: unknown) => {
      this.buildApi = undefined;
      throw err;
    });
    return this.buildApi;
  }

  private pipelines(): Promise<IPipelinesApi> {
    this.pipelinesApi ??= this.webApi.getPipelinesApi().catch((err: unknown) => {
      this.pipelinesApi = undefined;
      throw err;
    });
    return this.pipelinesApi;
  }

  /** A client that carries a user's own token instead of the bot's (on-behalf-of). */
  private userRest(actAs: ActAs): AdoRestClient {
    return new AdoRestClient(
      'digitre-chatops',
      undefined,
      [new BearerCredentialHandler(actAs.bearerToken, false)],
      {
        socketTimeout: this.timeoutMs,
      },
    );
  }

  private projectUrl(): string {
    return `${this.ctx.orgUrl}/${encodeURIComponent(this.opts.project)}`;
  }

  private retrying<T>(
    what: string,
    op: (attempt: number, previous?: ClassifiedError) => Promise<T>,
  ): Promise<T> {
    return withRetry(op, this.opts.retry ?? {}, {
      sleep: this.sleep,
      random: this.opts.random,
      onRetry: ({ attempt, delayMs, failure }) =>
        this.logger.warn(
          { op: what, attempt, delayMs, code: failure.error.code, status: failure.status },
          `Azure DevOps ${what} failed (${failure.error.message}); retrying`,
        ),
    });
  }

  /**
   * One HTTP call: fresh token, deadline, self-pacing when the rate-limit budget runs low, and a
   * single token refresh + retry on 401 when using Entra ID.
   */
  private async call<T>(
    what: string,
    fn: () => Promise<T>,
    rateLimit: (result: T) => RateLimitInfo | undefined = rateLimitOf,
  ): Promise<T> {
    for (let refreshed = false; ; refreshed = true) {
      await this.refresher?.ensureFresh();
      try {
        const result = await withTimeout(fn(), this.timeoutMs, what);
        const pace = slowDownMs(rateLimit(result));
        if (pace > 0) {
          this.logger.debug({ op: what, pace }, 'Azure DevOps rate-limit budget low; slowing down');
          await this.sleep(pace);
        }
        return result;
      } catch (err) {
        if (this.refresher && !refreshed && classifyError(err).status === 401) {
          this.logger.debug({ op: what }, 'Azure DevOps answered 401; refreshing the token once');
          await this.refresher.refresh();
          continue;
        }
        throw err;
      }
    }
  }
}

/**
 * Builds the adapter; the composition root picks the credential.
 * @example createAdoDevOps({ orgUrl: emu.orgUrl, project: emu.project, catalog, auth: { pat: emu.pat } })
 */
export function createAdoDevOps(opts: AdoDevOpsOptions): AdoDevOps {
  return new AdoDevOps(opts);
}

/** Rate-limit info of a raw REST response. */
function headersOf(res: { headers: unknown }): RateLimitInfo | undefined {
  const h = res.headers;
  return typeof h === 'object' && h !== null
    ? rateLimitFromHeaders(h as Record<string, string | string[] | undefined>)
    : undefined;
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
