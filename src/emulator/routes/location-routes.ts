import { adoDate, deterministicGuid } from '../ids';
import { identityRef } from '../identities';
import { AdoHttpError, collection } from '../http-reply';
import { areaLocations, resourceAreas } from '../locations';
import type { Router } from '../router';
import type { RouteDeps } from './route-deps';

/** Discovery (OPTIONS per area, ResourceAreas), connectionData and the project. */
export function registerLocationRoutes(router: Router, deps: RouteDeps): void {
  const { ctx } = deps;
  router.add('OPTIONS', '/_apis', () => ({ json: collection(areaLocations(undefined)) }), {
    anonymous: true,
  });
  router.add(
    'OPTIONS',
    '/_apis/:area',
    ({ params }) => {
      const locs = areaLocations(params.area);
      if (locs.length === 0) {
        throw new AdoHttpError(
          404,
          'ResourceAreaNotFoundException',
          `The resource area '${params.area ?? ''}' was not found.`,
        );
      }
      return { json: collection(locs) };
    },
    { anonymous: true },
  );
  router.add('GET', '/_apis/ResourceAreas', () => ({
    json: collection(resourceAreas(ctx.orgUrl)),
  }));
  router.add('GET', '/_apis/ResourceAreas/:areaId', ({ params }) => {
    const area = resourceAreas(ctx.orgUrl).find((a) => a.id === params.areaId?.toLowerCase());
    if (!area)
      throw new AdoHttpError(
        404,
        'ResourceAreaNotFoundException',
        `Resource area ${params.areaId ?? ''} not found.`,
      );
    return { json: area };
  });
  router.add('GET', '/_apis/connectionData', ({ identity }) => {
    const me = {
      ...identityRef(identity!),
      providerDisplayName: identity!.displayName,
      isActive: true,
    };
    return {
      json: {
        authenticatedUser: {
          ...me,
          properties: { Account: { $type: 'System.String', $value: identity!.uniqueName } },
        },
        authorizedUser: me,
        instanceId: ctx.collectionId,
        deploymentId: deterministicGuid(`deployment:${ctx.organization}`),
        deploymentType: 'hosted',
        locationServiceData: {
          serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
          defaultAccessMappingMoniker: 'PublicAccessMapping',
          lastChangeId: 1,
          lastChangeId64: 1,
        },
      },
    };
  });
  const project = () => ({
    id: ctx.project.id,
    name: ctx.project.name,
    url: `${ctx.orgUrl}/_apis/projects/${ctx.project.id}`,
    state: 'wellFormed',
    revision: 1,
    visibility: 'private',
    lastUpdateTime: adoDate(0),
  });
  router.add('GET', '/_apis/projects', () => ({ json: collection([project()]) }));
  router.add('GET', '/_apis/projects/:projectId', ({ params }) => {
    const p = params.projectId?.toLowerCase();
    if (p !== ctx.project.id && p !== ctx.project.name.toLowerCase()) {
      throw new AdoHttpError(
        404,
        'ProjectDoesNotExistWithNameException',
        `TF200016: The following project does not exist: ${params.projectId ?? ''}.`,
        'server',
      );
    }
    return { json: project() };
  });
}
