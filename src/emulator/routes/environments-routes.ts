import { environmentId, projectBase } from '../emulator-context';
import { AdoHttpError, collection } from '../http-reply';
import { adoDate } from '../ids';
import { identityForPrincipal, identityRef, serviceIdentity } from '../identities';
import type { Identity } from '../model';
import type { Router } from '../router';
import { intParam, requireProject, type RouteDeps } from './route-deps';

/** The Approval check type's id, as Check Configurations return it. */
export const APPROVAL_CHECK_TYPE = { id: '8C6F20A7-A545-4486-9777-F762FAFE0D4D', name: 'Approval' };

/**
 * Environments (`distributedtask/environments`) and their checks
 * (`pipelines/checks/configurations`): the catalog's environments, each with an Approval check
 * when the catalog names approvers. The bot's own identity is an approver only when the
 * emulator was started so (local mode).
 */
export function registerEnvironmentsRoutes(router: Router, deps: RouteDeps): void {
  const { ctx } = deps;
  const created = adoDate(Date.UTC(2024, 0, 15, 9, 0, 0));
  const envJson = (key: string) => ({
    id: environmentId(ctx, key),
    name: key,
    description: ctx.catalog.environments.find((e) => e.key === key)?.displayName ?? '',
    createdBy: identityRef(serviceIdentity),
    createdOn: created,
    lastModifiedBy: identityRef(serviceIdentity),
    lastModifiedOn: created,
    project: { id: ctx.project.id, name: ctx.project.name },
  });

  router.add('GET', '/:project/_apis/distributedtask/environments', ({ params, query }) => {
    requireProject(deps, params.project);
    const name = query.get('name')?.toLowerCase();
    const keys = ctx.catalog.environments
      .map((e) => e.key)
      .filter((k) => name === undefined || k.toLowerCase() === name);
    return { json: collection(keys.map(envJson)) };
  });

  router.add(
    'GET',
    '/:project/_apis/distributedtask/environments/:environmentId#',
    ({ params }) => {
      requireProject(deps, params.project);
      const env = ctx.catalog.environments[Number(params.environmentId) - 1];
      if (!env) {
        throw new AdoHttpError(
          404,
          'EnvironmentNotFoundException',
          `Environment ${params.environmentId ?? ''} not found.`,
          'framework',
        );
      }
      return { json: envJson(env.key) };
    },
  );

  router.add('GET', '/:project/_apis/pipelines/checks/configurations', ({ params, query }) => {
    requireProject(deps, params.project);
    const type = (query.get('resourceType') ?? '').toLowerCase();
    const id = intParam(query, 'resourceId');
    if (type !== 'environment' || id === undefined) {
      throw new AdoHttpError(
        400,
        'ArgumentException',
        'resourceType and resourceId are required (e.g. resourceType=environment&resourceId=1).',
      );
    }
    const env = ctx.catalog.environments[id - 1];
    if (!env?.approval) return { json: collection([]) };
    const approvers: Identity[] = env.approval.approvers
      .map(identityForPrincipal)
      .filter((i): i is Identity => i !== undefined);
    if (deps.serviceIdentityIsApprover) approvers.push(serviceIdentity);
    return {
      json: collection([
        {
          settings: {
            approvers: approvers.map(identityRef),
            executionOrder: 'anyOrder',
            minRequiredApprovers: env.approval.minRequiredApprovers,
            instructions: env.approval.instructions,
            blockedApprovers: [],
            requesterCannotBeApprover: env.approval.noSelfApproval,
          },
          timeout: env.approval.timeoutMinutes,
          type: APPROVAL_CHECK_TYPE,
          resource: { type: 'environment', id: String(id), name: env.key },
          id: id * 100,
          version: 1,
          createdBy: identityRef(serviceIdentity),
          createdOn: created,
          url: `${projectBase(ctx)}/_apis/pipelines/checks/configurations/${id * 100}`,
        },
      ]),
    };
  });
}
