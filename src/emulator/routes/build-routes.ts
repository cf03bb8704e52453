import type { EmulatedRun } from '../model';
import { projectBase } from '../emulator-context';
import { AdoHttpError, collection } from '../http-reply';
import { buildJson, buildLogJson, timelineJson } from '../projections';
import type { Router } from '../router';
import { logText } from './pipelines-routes';
import {
  asRecord,
  csvParam,
  flagsParam,
  intParam,
  requireBuild,
  requireProject,
  type RouteDeps,
} from './route-deps';

const STATUS: Record<string, number> = {
  inProgress: 1,
  completed: 2,
  cancelling: 4,
  postponed: 8,
  notStarted: 32,
  all: 47,
};
const RESULT: Record<string, number> = {
  succeeded: 2,
  partiallySucceeded: 4,
  failed: 8,
  canceled: 32,
};
const REASON: Record<string, number> = {
  manual: 1,
  individualCI: 2,
  batchedCI: 4,
  schedule: 8,
  all: 2031,
};
const ORDER: Record<string, number> = {
  finishTimeAscending: 2,
  finishTimeDescending: 3,
  queueTimeDescending: 4,
  queueTimeAscending: 5,
  startTimeDescending: 6,
  startTimeAscending: 7,
};

function order(runs: EmulatedRun[], o: number | undefined): EmulatedRun[] {
  const by = (f: (r: EmulatedRun) => number | undefined, asc: boolean) =>
    runs.sort((a, b) => {
      const d = (f(a) ?? Number.MAX_SAFE_INTEGER) - (f(b) ?? Number.MAX_SAFE_INTEGER);
      return (asc ? d : -d) || b.id - a.id;
    });
  switch (o) {
    case 2:
      return by((r) => r.finishTime, true);
    case 3:
      return by((r) => r.finishTime, false);
    case 5:
      return by((r) => r.queueTime, true);
    case 6:
      return by((r) => r.startTime, false);
    case 7:
      return by((r) => r.startTime, true);
    default:
      return by((r) => r.queueTime, false);
  }
}

function time(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (!v) return undefined;
  const t = Date.parse(v); // RFC-1123 (node-api) and ISO-8601 (raw REST) both parse
  if (Number.isNaN(t))
    throw new AdoHttpError(
      400,
      'ArgumentException',
      `The value '${v}' of parameter '${name}' is not a valid date.`,
    );
  return t;
}

/** Build API: builds (list, get, cancel), timeline, logs, tags, definitions, stages. */
export function registerBuildRoutes(router: Router, deps: RouteDeps): void {
  const { ctx, engine } = deps;
  const build = (project: string | undefined, id: string | undefined) => {
    requireProject(deps, project);
    return requireBuild(deps, id);
  };

  router.add('GET', '/:project/_apis/build/builds', ({ params, query }) => {
    requireProject(deps, params.project);
    const definitions = csvParam(query, 'definitions')?.map(Number);
    const buildIds = csvParam(query, 'buildIds')?.map(Number);
    const status = flagsParam(query, 'statusFilter', STATUS);
    const result = flagsParam(query, 'resultFilter', RESULT);
    const reason = flagsParam(query, 'reasonFilter', REASON);
    const tags = csvParam(query, 'tagFilters');
    const top = intParam(query, '$top');
    const perDef = intParam(query, 'maxBuildsPerDefinition');
    const minTime = time(query, 'minTime');
    const maxTime = time(query, 'maxTime');
    const branch = query.get('branchName');
    const requestedFor = query.get('requestedFor')?.toLowerCase();
    const buildNumber = query.get('buildNumber');
    const qo = flagsParam(query, 'queryOrder', ORDER);
    let runs = engine.runs().filter((r) => {
      if (definitions && !definitions.includes(r.definitionId)) return false;
      if (buildIds && !buildIds.includes(r.id)) return false;
      if (status !== undefined && !(STATUS[r.status]! & status)) return false;
      if (result !== undefined && !(r.result && RESULT[r.result]! & result)) return false;
      if (reason !== undefined && !((REASON[r.reason] ?? 0) & reason)) return false;
      if (tags && !tags.every((t) => r.tags.includes(t))) return false;
      if (branch && r.sourceBranch.toLowerCase() !== branch.toLowerCase()) return false;
      if (minTime !== undefined && r.queueTime < minTime) return false;
      if (maxTime !== undefined && r.queueTime > maxTime) return false;
      if (
        requestedFor &&
        ![r.requestedBy.id, r.requestedBy.uniqueName, r.requestedBy.displayName].some(
          (x) => x.toLowerCase() === requestedFor,
        )
      )
        return false;
      if (buildNumber) {
        const prefix = buildNumber.endsWith('*');
        const n = prefix ? buildNumber.slice(0, -1) : buildNumber;
        if (prefix ? !r.buildNumber.startsWith(n) : r.buildNumber !== n) return false;
      }
      return true;
    });
    runs = order(runs, qo);
    if (perDef !== undefined) {
      const seen = new Map<number, number>();
      runs = runs.filter((r) => {
        const n = (seen.get(r.definitionId) ?? 0) + 1;
        seen.set(r.definitionId, n);
        return n <= perDef;
      });
    }
    const start = Number(query.get('continuationToken') ?? '0') || 0;
    const end = top !== undefined ? start + top : runs.length;
    const headers: Record<string, string> = {};
    if (end < runs.length) headers['x-ms-continuationtoken'] = String(end);
    return { json: collection(runs.slice(start, end).map((r) => buildJson(ctx, r))), headers };
  });
  router.add('GET', '/:project/_apis/build/builds/:buildId#', ({ params }) => ({
    json: buildJson(ctx, build(params.project, params.buildId)),
  }));
  router.add('PATCH', '/:project/_apis/build/builds/:buildId#', ({ params, body, query }) => {
    const run = build(params.project, params.buildId);
    const b = asRecord(body);
    if (!b)
      throw new AdoHttpError(
        400,
        'ArgumentNullException',
        'Value cannot be null.\r\nParameter name: build',
        'build',
      );
    if (query.get('retry') === 'true') {
      throw new AdoHttpError(
        400,
        'InvalidBuildException',
        `Build ${run.id} cannot be retried by this emulator.`,
        'build',
      );
    }
    if (b.status !== undefined) {
      const s = b.status;
      if (s === 4 || (typeof s === 'string' && s.toLowerCase() === 'cancelling'))
        engine.cancel(run.id);
      else {
        throw new AdoHttpError(
          400,
          'InvalidBuildException',
          `The build status can only be changed to 'cancelling' (got ${JSON.stringify(s)}).`,
          'build',
        );
      }
    }
    return { json: buildJson(ctx, run) };
  });
  const timeline = ({ params }: { params: Record<string, string> }) => {
    const run = build(params.project, params.buildId);
    if (params.timelineId && params.timelineId.toLowerCase() !== run.timelineId) {
      throw new AdoHttpError(
        404,
        'TimelineNotFoundException',
        `Timeline ${params.timelineId} was not found for build ${run.id}.`,
        'build',
      );
    }
    return { json: timelineJson(ctx, run) };
  };
  router.add('GET', '/:project/_apis/build/builds/:buildId#/Timeline', timeline);
  router.add('GET', '/:project/_apis/build/builds/:buildId#/Timeline/:timelineId', timeline);
  router.add('GET', '/:project/_apis/build/builds/:buildId#/logs', ({ params }) => {
    const run = build(params.project, params.buildId);
    return { json: collection([...run.logs.keys()].map((id) => buildLogJson(ctx, run, id))) };
  });
  // One URL, several representations: text/plain (node-api getBuildLog) or JSON lines.
  router.add(
    'GET',
    '/:project/_apis/build/builds/:buildId#/logs/:logId#',
    ({ params, query, accept }) => {
      const run = build(params.project, params.buildId);
      const logId = Number(params.logId);
      if (!run.logs.has(logId)) {
        throw new AdoHttpError(
          404,
          'BuildLogNotFoundException',
          `Build log ${logId} was not found for build ${run.id}.`,
          'build',
        );
      }
      let lines = logText(run, logId).split('\n');
      const startLine = intParam(query, 'startLine');
      const endLine = intParam(query, 'endLine');
      if (startLine !== undefined || endLine !== undefined) {
        lines = lines.slice(Math.max(0, (startLine ?? 1) - 1), endLine ?? lines.length);
      }
      if (accept === 'application/json') return { json: collection(lines) };
      return { text: lines.join('\n') };
    },
  );

  const tagsOf = (run: EmulatedRun) => ({ json: collection([...run.tags]) });
  const addTags = (run: EmulatedRun, tags: string[]) => {
    for (const t of tags) if (t.trim() && !run.tags.includes(t.trim())) run.tags.push(t.trim());
  };
  router.add('GET', '/:project/_apis/build/builds/:buildId#/tags', ({ params }) =>
    tagsOf(build(params.project, params.buildId)),
  );
  router.add('PUT', '/:project/_apis/build/builds/:buildId#/tags/:tag', ({ params }) => {
    const run = build(params.project, params.buildId);
    addTags(run, [params.tag ?? '']);
    return tagsOf(run);
  });
  router.add('POST', '/:project/_apis/build/builds/:buildId#/tags', ({ params, body }) => {
    const run = build(params.project, params.buildId);
    if (!Array.isArray(body) || body.some((t) => typeof t !== 'string')) {
      throw new AdoHttpError(
        400,
        'ArgumentException',
        'The request body must be an array of tag strings.',
        'build',
      );
    }
    addTags(run, body as string[]);
    return tagsOf(run);
  });
  router.add('PATCH', '/:project/_apis/build/builds/:buildId#/tags', ({ params, body }) => {
    const run = build(params.project, params.buildId);
    const b = asRecord(body) ?? {};
    const list = (v: unknown) =>
      Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
    addTags(run, list(b.tagsToAdd));
    const remove = list(b.tagsToRemove);
    run.tags = run.tags.filter((t) => !remove.includes(t));
    return tagsOf(run);
  });
  router.add('DELETE', '/:project/_apis/build/builds/:buildId#/tags/:tag', ({ params }) => {
    const run = build(params.project, params.buildId);
    run.tags = run.tags.filter((t) => t !== params.tag);
    return tagsOf(run);
  });
  router.add('GET', '/:project/_apis/build/tags', ({ params }) => {
    requireProject(deps, params.project);
    return { json: collection([...new Set(engine.runs().flatMap((r) => r.tags))].sort()) };
  });
  router.add(
    'PATCH',
    '/:project/_apis/build/builds/:buildId#/stages/:stageRefName',
    ({ params, body }) => {
      const run = build(params.project, params.buildId);
      const b = asRecord(body) ?? {};
      if (!run.stages.some((s) => s.name.toLowerCase() === params.stageRefName?.toLowerCase())) {
        throw new AdoHttpError(
          404,
          'StageNotFoundException',
          `Stage ${params.stageRefName ?? ''} was not found in build ${run.id}.`,
          'build',
        );
      }
      if (b.state === 0 || b.state === 'cancel') {
        engine.cancel(run.id);
        return { status: 204 };
      }
      throw new AdoHttpError(
        400,
        'InvalidBuildException',
        'Only cancelling a stage is supported by the emulator.',
        'build',
      );
    },
  );
  const definitionJson = (id: number) => {
    const d = ctx.definitions.find((x) => x.id === id);
    if (!d)
      throw new AdoHttpError(
        404,
        'DefinitionNotFoundException',
        `The requested definition ${id} could not be found.`,
        'build',
      );
    const base = projectBase(ctx);
    return {
      _links: { web: { href: `${base}/_build/definition?definitionId=${d.id}` } },
      id: d.id,
      name: d.name,
      url: `${base}/_apis/build/Definitions/${d.id}?revision=${d.revision}`,
      uri: `vstfs:///Build/Definition/${d.id}`,
      path: '\\',
      type: 'build',
      queueStatus: 'enabled',
      revision: d.revision,
      process: { yamlFilename: d.spec.yamlPath, type: 2 },
      repository: {
        id: d.repositoryId,
        type: 'TfsGit',
        name: d.spec.repository,
        defaultBranch: `refs/heads/${d.spec.defaultBranch}`,
      },
      project: {
        id: ctx.project.id,
        name: ctx.project.name,
        state: 'wellFormed',
        visibility: 'private',
      },
    };
  };
  router.add('GET', '/:project/_apis/build/definitions', ({ params, query }) => {
    requireProject(deps, params.project);
    const name = query.get('name');
    const defs = ctx.definitions.filter(
      (d) => !name || d.name.toLowerCase() === name.toLowerCase(),
    );
    return { json: collection(defs.map((d) => definitionJson(d.id))) };
  });
  router.add('GET', '/:project/_apis/build/definitions/:definitionId#', ({ params }) => {
    requireProject(deps, params.project);
    return { json: definitionJson(Number(params.definitionId)) };
  });
}
