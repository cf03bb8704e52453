import type { TokenCredential } from '@azure/identity';
import { BuildResult, BuildStatus } from 'azure-devops-node-api/interfaces/BuildInterfaces';
import { catalogIndex, type CatalogIndex } from '../catalog/catalog-index';
import type { Catalog, PipelineSpec } from '../catalog/catalog-schema';
import type { Clock } from '../clock/clock';
import { AdoTransport, rateLimitOfResponse, type DevOpsLogger } from './ado-transport';
import { ApprovalsClient } from './approvals-client';
import { BuildReads } from './build-reads';
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
import { toRunSummary, type MapContext } from './map-build';
import { failedTask, toStages } from './map-timeline';
import { PipelineIds } from './pipeline-ids';
import type { RetryOptions } from './retry-policy';
import { RunQueuer } from './run-queuer';

export type { DevOpsLogger } from './ado-transport';

export interface AdoDevOpsOptions {
  /** e.g. `https://dev.azure.com/digitre` (or the emulator's `orgUrl`). */
  orgUrl: string;
  project: string;
  catalog: Catalog;
  /** A PAT, or an Entra ID credential (token scope `AZURE_DEVOPS_SCOPE`, refreshed early). */
  auth: { pat: string } | { credential: TokenCredential };
  /** Per HTTP call. Default 35 000 ms (the service delays throttled calls up to 30 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** For jitter; tests pin it. */
  random?: () => number;
  logger?: DevOpsLogger;
  /**
   * The transport to share with the Hooks client (one WebApi, one token, one connection pool);
   * default: its own, built from the options above.
   */
  transport?: AdoTransport;
}

const LOG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/;

/**
 * `DevOpsPort` over azure-devops-node-api (Build + Pipelines APIs) and raw REST for approvals,
 * all through ONE transport (`AdoTransport`: one `WebApi`, so location discovery happens once).
 * Queuing lives in `RunQueuer`, Build API reads in `BuildReads`, pipeline ids in `PipelineIds`.
 * @example
 *   const devops = createAdoDevOps({ orgUrl, project: 'DigitRE', catalog, auth: { pat } });
 *   const run = await devops.runPipeline({ pipelineKey: 'qa', parameters: { modelVersion: '3' }, correlationId });
 */
export class AdoDevOps implements DevOpsPort {
  private readonly t: AdoTransport;
  private readonly approvals: ApprovalsClient;
  private readonly ctx: MapContext;
  private readonly index: CatalogIndex;
  private readonly ids: PipelineIds;
  private readonly reads: BuildReads;
  private readonly queuer: RunQueuer;

  constructor(private readonly opts: AdoDevOpsOptions) {
    this.t = opts.transport ?? new AdoTransport(opts);
    const orgUrl = opts.orgUrl.replace(/\/+$/, '');
    this.ctx = { catalog: opts.catalog, orgUrl, project: opts.project };
    this.index = catalogIndex(opts.catalog);
    this.approvals = new ApprovalsClient(orgUrl, opts.project);
    this.ids = new PipelineIds(this.t, opts.project);
    this.reads = new BuildReads(this.t, opts.project);
    this.queuer = new RunQueuer(this.t, this.ctx, this.ids, this.reads);
  }

  async runPipeline(req: RunRequest, actAs?: ActAs): Promise<RunSummary> {
    return this.queuer.run(this.spec(req.pipelineKey), req, actAs);
  }

  async previewRun(req: Omit<RunRequest, 'correlationId'>): Promise<RunPreview> {
    return this.queuer.preview(this.spec(req.pipelineKey), req);
  }

  async getRun(runId: number, opts?: GetRunOptions): Promise<RunSummary | null> {
    // Build and timeline side by side: one round trip for a card instead of two.
    const timelineRead = opts?.withStages ? this.reads.timeline('getRun', runId) : undefined;
    timelineRead?.catch(() => undefined); // awaited below; a missing build explains the failure
    let summary: RunSummary;
    if (opts?.known) {
      summary = knownBuild(opts.known, runId);
    } else {
      const build = await this.reads.build(runId);
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
      ? [await this.ids.of(this.spec(opts.pipelineKey))]
      : await this.ids.ofCatalog(this.opts.catalog);
    if (definitions.length === 0) return [];
    const builds = await this.reads.builds('listRuns', {
      definitions,
      top: opts?.top ?? 100,
      maxBuildsPerDefinition: opts?.perPipeline,
    });
    return newestFirst(builds.map((b) => toRunSummary(b, this.ctx)));
  }

  async getRuns(runIds: number[]): Promise<RunSummary[]> {
    if (runIds.length === 0) return [];
    const builds = await this.reads.builds('getRuns', { buildIds: [...new Set(runIds)] });
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
      envKey = this.index.environment(filter.environment)?.key;
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
    const failed =
      opts?.failedTask ?? failedTask(await this.reads.timeline('failingLogTail', runId));
    if (!failed) return null;
    const lines = await this.reads.logLines('failingLogTail', runId, failed.logId);
    const clean = lines.map((l) => l.replace(LOG_TIMESTAMP, ''));
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
    const definition = await this.ids.of(this.spec(models.pipeline));
    const builds = await this.reads.builds('modelVersions', {
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

  /** A catalog pipeline by key or alias; notFound (a handler explains it) when there is none. */
  private spec(pipelineKey: string): PipelineSpec {
    const spec = this.index.pipeline(pipelineKey);
    if (!spec)
      throw new DevOpsError('notFound', `"${pipelineKey}" is not a pipeline in the catalog`);
    return spec;
  }
}

/**
 * Builds the adapter; the composition root picks the credential.
 * @example createAdoDevOps({ orgUrl: emu.orgUrl, project: emu.project, catalog, auth: { pat: emu.pat } })
 */
export function createAdoDevOps(opts: AdoDevOpsOptions): AdoDevOps {
  return new AdoDevOps(opts);
}

function newestFirst(runs: RunSummary[]): RunSummary[] {
  return [...runs].sort(
    (a, b) => Date.parse(b.createdDate) - Date.parse(a.createdDate) || b.id - a.id,
  );
}
