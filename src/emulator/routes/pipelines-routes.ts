import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Definition, EmulatedRun } from '../model';
import { findDefinition, projectBase } from '../emulator-context';
import { AdoHttpError, collection } from '../http-reply';
import { adoDate } from '../ids';
import { parseRunRequest } from '../parse-run-request';
import { finalYaml } from '../final-yaml';
import { pipelineJson, pipelineRef, runJson } from '../projections';
import type { Router } from '../router';
import { intParam, requireProject, type RouteDeps } from './route-deps';

function logText(run: EmulatedRun, logId: number): string {
  const log = run.logs.get(logId);
  return log ? log.lines.map((l) => `${adoDate(l.at)} ${l.text}`).join('\n') : '';
}

/** Pipelines API: pipelines, runs (queue, preview), logs with signed content. */
export function registerPipelinesRoutes(router: Router, deps: RouteDeps): void {
  const { ctx, engine } = deps;

  const definition = (project: string | undefined, id: string | undefined): Definition => {
    requireProject(deps, project);
    const def = findDefinition(ctx, Number(id));
    if (!def) {
      throw new AdoHttpError(
        404,
        'PipelineNotFoundException',
        `Pipeline with id ${id ?? ''} was not found.`,
        'pipelines',
      );
    }
    return def;
  };
  const runOf = (def: Definition, id: string | undefined): EmulatedRun => {
    const run = engine.run(Number(id));
    if (!run || run.definitionId !== def.id) {
      throw new AdoHttpError(
        404,
        'PipelineRunNotFoundException',
        `Run with id ${id ?? ''} was not found for pipeline ${def.id}.`,
        'pipelines',
      );
    }
    return run;
  };
  const sign = (runId: number, logId: number, expires: string): string =>
    createHmac('sha256', deps.signingKey).update(`${runId}:${logId}:${expires}`).digest('base64');
  const signed = (def: Definition, run: EmulatedRun, logId: number | undefined) => {
    const expires = adoDate(deps.clock.now() + 3600_000);
    const target = logId ?? 0;
    return {
      signatureExpires: expires,
      url:
        `${projectBase(ctx)}/_apis/pipelines/${def.id}/runs/${run.id}/signedlogcontent/${target}` +
        `?urlExpires=${encodeURIComponent(expires)}&urlSigningMethod=HMACV1&urlSignature=${encodeURIComponent(sign(run.id, target, expires))}`,
    };
  };
  const wantsSigned = (q: URLSearchParams) => /^(1|signedcontent)$/i.test(q.get('$expand') ?? '');
  const logJson = (def: Definition, run: EmulatedRun, logId: number, withSigned: boolean) => {
    const log = run.logs.get(logId)!;
    return {
      createdOn: adoDate(log.createdOn),
      lastChangedOn: adoDate(log.lastChangedOn),
      lineCount: log.lines.length,
      id: log.id,
      url: `${projectBase(ctx)}/_apis/pipelines/${def.id}/runs/${run.id}/logs/${log.id}`,
      ...(withSigned ? { signedContent: signed(def, run, log.id) } : {}),
    };
  };

  router.add('GET', '/:project/_apis/pipelines', ({ params, query }) => {
    requireProject(deps, params.project);
    const order = (query.get('orderBy') ?? '').toLowerCase();
    const defs = [...ctx.definitions];
    if (order.startsWith('name')) {
      defs.sort((a, b) => a.name.localeCompare(b.name) * (order.endsWith('desc') ? -1 : 1));
    }
    const start = Number(query.get('continuationToken') ?? '0') || 0;
    const top = intParam(query, '$top') ?? defs.length;
    const page = defs.slice(start, start + top);
    const headers: Record<string, string> = {};
    if (start + top < defs.length) headers['x-ms-continuationtoken'] = String(start + top);
    return { json: collection(page.map((d) => pipelineJson(ctx, d, false))), headers };
  });
  router.add('GET', '/:project/_apis/pipelines/:pipelineId#', ({ params }) => ({
    json: pipelineJson(ctx, definition(params.project, params.pipelineId), true),
  }));
  router.add(
    'POST',
    '/:project/_apis/pipelines/:pipelineId#/runs',
    ({ params, body, identity }) => {
      const def = definition(params.project, params.pipelineId);
      const req = parseRunRequest(def, body, deps.settableVariables);
      if (req.previewRun) {
        return {
          json: {
            finalYaml: finalYaml(ctx.catalog, def, req),
            _links: {},
            templateParameters: req.templateParameters,
            pipeline: pipelineRef(ctx, def),
            state: 'unknown',
            id: -1,
            name: '',
          },
        };
      }
      const run = engine.queue({
        definitionId: def.id,
        templateParameters: req.templateParameters,
        variables: req.variables,
        sourceBranch: req.sourceBranch,
        requestedBy: identity!,
        stagesToSkip: req.stagesToSkip,
      });
      return { json: runJson(ctx, run) };
    },
  );
  router.add('POST', '/:project/_apis/pipelines/:pipelineId#/preview', ({ params, body }) => {
    const def = definition(params.project, params.pipelineId);
    return {
      json: {
        finalYaml: finalYaml(ctx.catalog, def, parseRunRequest(def, body, deps.settableVariables)),
      },
    };
  });
  router.add('GET', '/:project/_apis/pipelines/:pipelineId#/runs', ({ params }) => {
    const def = definition(params.project, params.pipelineId);
    const runs = engine
      .runs()
      .filter((r) => r.definitionId === def.id)
      .slice(0, 10000);
    return { json: collection(runs.map((r) => runJson(ctx, r))) };
  });
  router.add('GET', '/:project/_apis/pipelines/:pipelineId#/runs/:runId#', ({ params }) => {
    const def = definition(params.project, params.pipelineId);
    return { json: runJson(ctx, runOf(def, params.runId)) };
  });
  router.add(
    'GET',
    '/:project/_apis/pipelines/:pipelineId#/runs/:runId#/logs',
    ({ params, query }) => {
      const def = definition(params.project, params.pipelineId);
      const run = runOf(def, params.runId);
      const withSigned = wantsSigned(query);
      return {
        json: {
          logs: [...run.logs.keys()].map((id) => logJson(def, run, id, false)),
          ...(withSigned ? { signedContent: signed(def, run, undefined) } : {}),
          url: `${projectBase(ctx)}/_apis/pipelines/${def.id}/runs/${run.id}/logs`,
        },
      };
    },
  );
  router.add(
    'GET',
    '/:project/_apis/pipelines/:pipelineId#/runs/:runId#/logs/:logId#',
    ({ params, query }) => {
      const def = definition(params.project, params.pipelineId);
      const run = runOf(def, params.runId);
      const logId = Number(params.logId);
      if (!run.logs.has(logId)) {
        throw new AdoHttpError(
          404,
          'LogNotFoundException',
          `Log ${logId} was not found for run ${run.id}.`,
          'pipelines',
        );
      }
      return { json: logJson(def, run, logId, wantsSigned(query)) };
    },
  );
  // The signed URL needs no credentials, as on the real service; the signature is the credential.
  router.add(
    'GET',
    '/:project/_apis/pipelines/:pipelineId#/runs/:runId#/signedlogcontent/:logId#',
    ({ params, query }) => {
      const def = definition(params.project, params.pipelineId);
      const run = runOf(def, params.runId);
      const logId = Number(params.logId);
      const expires = query.get('urlExpires') ?? '';
      const given = Buffer.from(query.get('urlSignature') ?? '');
      const want = Buffer.from(sign(run.id, logId, expires));
      if (
        given.length !== want.length ||
        !timingSafeEqual(given, want) ||
        Date.parse(expires) < deps.clock.now()
      ) {
        throw new AdoHttpError(
          403,
          'InvalidSignatureException',
          'The signature of the URL is not valid or has expired.',
          'pipelines',
        );
      }
      const ids = logId === 0 ? [...run.logs.keys()] : [logId];
      return { text: ids.map((id) => logText(run, id)).join('\n') };
    },
    { anonymous: true },
  );
}

export { logText };
