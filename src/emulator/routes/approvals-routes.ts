import { AdoHttpError, collection } from '../http-reply';
import type { EmulatedApproval } from '../model';
import { approvalJson } from '../projections';
import type { Router } from '../router';
import { asRecord, csvParam, intParam, requireProject, type RouteDeps } from './route-deps';

const STATES = [
  'undefined',
  'uninitiated',
  'pending',
  'approved',
  'rejected',
  'skipped',
  'canceled',
  'timedOut',
  'failed',
  'completed',
  'all',
];

/** Approvals API (raw REST only, 7.1): query, get, update. */
export function registerApprovalsRoutes(router: Router, deps: RouteDeps): void {
  const { ctx, engine } = deps;
  const expandSteps = (q: URLSearchParams) =>
    /(^|,)\s*(steps|1|3)\s*(,|$)/i.test(q.get('$expand') ?? '');
  const json = (a: EmulatedApproval, steps: boolean) =>
    approvalJson(ctx, a, engine.run(a.runId)!, steps);

  router.add('GET', '/:project/_apis/pipelines/approvals', ({ params, query }) => {
    requireProject(deps, params.project);
    const ids = csvParam(query, 'approvalIds')?.map((s) => s.toLowerCase());
    const state = query.get('state');
    if (state && !STATES.some((s) => s.toLowerCase() === state.toLowerCase())) {
      throw new AdoHttpError(
        400,
        'ArgumentException',
        `'${state}' is not a valid approval state.`,
        'approvals',
      );
    }
    const users = [
      ...(csvParam(query, 'userIds') ?? []),
      ...(csvParam(query, 'assignedTo') ?? []),
    ].map((u) => u.toLowerCase());
    const top = intParam(query, 'top') ?? intParam(query, '$top');
    let list = engine.approvals().filter((a) => {
      if (ids && !ids.includes(a.id)) return false;
      const s = state?.toLowerCase();
      if (
        s &&
        s !== 'all' &&
        !(s === 'completed' ? a.status !== 'pending' : a.status.toLowerCase() === s)
      )
        return false;
      if (
        users.length > 0 &&
        !a.steps.some(
          (st) =>
            users.includes(st.assignedApprover.id) ||
            users.includes(st.assignedApprover.uniqueName),
        )
      ) {
        return false;
      }
      return true;
    });
    if (top !== undefined) list = list.slice(0, top);
    return { json: collection(list.map((a) => json(a, expandSteps(query)))) };
  });
  router.add('GET', '/:project/_apis/pipelines/approvals/:approvalId', ({ params, query }) => {
    requireProject(deps, params.project);
    const a = engine.approval(params.approvalId ?? '');
    if (!a) {
      throw new AdoHttpError(
        404,
        'ApprovalNotFoundException',
        `Approval with id '${params.approvalId ?? ''}' does not exist or you do not have permission to view it.`,
        'approvals',
      );
    }
    return { json: json(a, expandSteps(query)) };
  });
  router.add('PATCH', '/:project/_apis/pipelines/approvals', ({ params, body, identity }) => {
    requireProject(deps, params.project);
    if (!Array.isArray(body) || body.length === 0) {
      throw new AdoHttpError(
        400,
        'ArgumentException',
        'The request body must be a non-empty array of ApprovalUpdateParameters.',
        'approvals',
      );
    }
    const updates = body.map((u) => {
      const r = asRecord(u);
      if (!r || typeof r.approvalId !== 'string' || typeof r.status !== 'string') {
        throw new AdoHttpError(
          400,
          'ArgumentException',
          'Each update needs an approvalId and a status.',
          'approvals',
        );
      }
      return {
        id: r.approvalId,
        status: r.status,
        comment: typeof r.comment === 'string' ? r.comment : undefined,
      };
    });
    const done = updates.map((u) => engine.decide(u.id, u.status, u.comment, identity!));
    return { json: collection(done.map((a) => json(a, true))) };
  });
}
