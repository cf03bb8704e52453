import type { RunPipelineParameters } from 'azure-devops-node-api/interfaces/PipelinesInterfaces';
import { parse as parseYaml } from 'yaml';
import type { PipelineSpec } from '../catalog/catalog-schema';
import { rateLimitOfResponse, type AdoTransport } from './ado-transport';
import type { BuildReads } from './build-reads';
import {
  DevOpsError,
  type ActAs,
  type RunPreview,
  type RunRequest,
  type RunSummary,
} from './devops-port';
import { runToSummary, toRunSummary, type MapContext } from './map-build';
import type { PipelineIds } from './pipeline-ids';
import { REQUEST_ID_PARAMETER, requestIdOf } from './request-id';
import type { RunLike } from './wire-types';

/** How many recent builds to scan for a run queued by an attempt we could not confirm. */
const DEDUP_SCAN = 50;

/**
 * Queuing and previewing runs: idempotent by request id (a runtime parameter the pipeline
 * declares), looking for the run an ambiguous attempt (or a crashed earlier delivery) may
 * have queued before queuing again.
 * @example const run = await queuer.run(index.requirePipeline('qa'), req);
 */
export class RunQueuer {
  /** Pipelines that refused the request-id parameter (not declared in their YAML). */
  private readonly withoutRequestId = new Set<number>();

  constructor(
    private readonly t: AdoTransport,
    private readonly ctx: MapContext,
    private readonly ids: PipelineIds,
    private readonly reads: BuildReads,
  ) {}

  async run(spec: PipelineSpec, req: RunRequest, actAs?: ActAs): Promise<RunSummary> {
    const pipelineId = await this.ids.of(spec);
    // The request id rides as a runtime parameter the pipeline declares, so no admin has to mark
    // a variable "Settable at queue time"; a pipeline without it still runs, unprotected.
    const tagged = !this.withoutRequestId.has(pipelineId);
    const parameters: Record<string, string> = {
      ...req.parameters,
      ...(tagged ? { [REQUEST_ID_PARAMETER]: req.correlationId } : {}),
    };
    const body = bodyOf(spec, req, parameters);
    try {
      return await this.queue(spec, pipelineId, body, req.correlationId, actAs, req.lookFirst);
    } catch (err) {
      if (!tagged || !undeclaredRequestId(err)) throw err;
      this.withoutRequestId.add(pipelineId);
      this.t.logger.warn(
        { pipeline: spec.name },
        `runPipeline: the pipeline does not declare the ${REQUEST_ID_PARAMETER} parameter; queuing without duplicate protection (npm run doctor explains the fix)`,
      );
      delete parameters[REQUEST_ID_PARAMETER];
      return this.queue(spec, pipelineId, body, undefined, actAs);
    }
  }

  async preview(spec: PipelineSpec, req: Omit<RunRequest, 'correlationId'>): Promise<RunPreview> {
    const pipelineId = await this.ids.of(spec);
    const body = { previewRun: true, ...bodyOf(spec, req, { ...req.parameters }) };
    const preview = await this.t.retrying('previewRun', () =>
      this.t.call('previewRun', async () =>
        (await this.t.pipelines()).preview(body, this.ctx.project, pipelineId),
      ),
    );
    const yaml = preview?.finalYaml ?? '';
    const skip = new Set(req.stagesToSkip ?? []);
    return { yaml, stages: stagesOf(yaml, spec).filter((s) => !skip.has(s)) };
  }

  /** Queues with retries; with a request id, a retry after an ambiguous failure looks first. */
  private queue(
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
      const run = await this.post(pipelineId, body, actAs);
      if (!run) throw new DevOpsError('notFound', `pipeline ${spec.name} was not found`);
      return runToSummary(run, this.ctx);
    });
  }

  /** One POST: the Pipelines client for the bot, raw REST with the user's token for actAs. */
  private async post(
    pipelineId: number,
    body: RunPipelineParameters,
    actAs: ActAs | undefined,
  ): Promise<RunLike | null> {
    if (!actAs) {
      return this.t.call('runPipeline', async () =>
        (await this.t.pipelines()).runPipeline(body, this.ctx.project, pipelineId),
      );
    }
    const project = encodeURIComponent(this.ctx.project);
    const url = `${this.ctx.orgUrl}/${project}/_apis/pipelines/${pipelineId}/runs?api-version=7.1`;
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

  private async findByRequestId(
    pipelineId: number,
    requestId: string,
  ): Promise<RunSummary | undefined> {
    const builds = await this.reads.buildsOnce({ definitions: [pipelineId], top: DEDUP_SCAN });
    const match = builds.find((b) => requestIdOf(b.templateParameters) === requestId);
    return match ? toRunSummary(match, this.ctx) : undefined;
  }
}

/** The Pipelines API body: branch (the catalog's default), parameters, stages to skip. */
function bodyOf(
  spec: PipelineSpec,
  req: Pick<RunRequest, 'branch' | 'stagesToSkip'>,
  templateParameters: Record<string, string>,
): RunPipelineParameters {
  const body: RunPipelineParameters = {
    resources: { repositories: { self: { refName: toRef(req.branch ?? spec.defaultBranch) } } },
    templateParameters,
  };
  if (req.stagesToSkip?.length) body.stagesToSkip = [...req.stagesToSkip];
  return body;
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
