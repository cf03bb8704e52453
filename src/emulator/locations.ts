/**
 * Location discovery payloads (reference §1.7, §1.11): what `OPTIONS {org}/_apis/{area}` and
 * `GET {org}/_apis/ResourceAreas` answer. Versions are chosen so azure-devops-node-api v15–17
 * sends exactly the api-version it asks for.
 */
interface Loc {
  id: string;
  area: string;
  resourceName: string;
  routeTemplate: string;
  resourceVersion: number;
  minVersion: string;
  maxVersion: string;
  releasedVersion: string;
}

function loc(
  id: string,
  area: string,
  resourceName: string,
  routeTemplate: string,
  resourceVersion: number,
  minVersion = '1.0',
  releasedVersion = '7.1',
): Loc {
  return {
    id,
    area,
    resourceName,
    routeTemplate,
    resourceVersion,
    minVersion,
    maxVersion: '7.2',
    releasedVersion,
  };
}

const AREAS: Record<string, Loc[]> = {
  location: [
    loc(
      'e81700f7-3be2-46de-8624-2eb35882fcaa',
      'Location',
      'ResourceAreas',
      '_apis/{resource}/{areaId}',
      1,
      '3.2',
      '0.0',
    ),
    loc(
      '00d9565f-ed9c-4a06-9a50-00e7896ccab4',
      'Location',
      'ConnectionData',
      '_apis/{resource}',
      1,
      '1.0',
      '0.0',
    ),
  ],
  pipelines: [
    loc(
      '28e1305e-2afe-47bf-abaf-cbb0e6a91988',
      'pipelines',
      'pipelines',
      '{project}/_apis/{area}/{pipelineId}',
      1,
      '5.1',
    ),
    loc(
      '7859261e-d2e9-4a68-b820-a5d84cc5bb3d',
      'pipelines',
      'runs',
      '{project}/_apis/{area}/{pipelineId}/{resource}/{runId}',
      1,
      '5.1',
    ),
    loc(
      'fb1b6d27-3957-43d5-a14b-a2d70403e545',
      'pipelines',
      'logs',
      '{project}/_apis/{area}/{pipelineId}/runs/{runId}/{resource}/{logId}',
      1,
      '5.1',
    ),
    loc(
      '53df2d18-29ea-46a9-bee0-933540f80abf',
      'pipelines',
      'preview',
      '{project}/_apis/{area}/{pipelineId}/{resource}',
      1,
      '5.1',
    ),
    loc(
      '85023071-bd5e-4438-89b0-2a5bf362a19d',
      'pipelines',
      'artifacts',
      '{project}/_apis/{area}/{pipelineId}/runs/{runId}/{resource}',
      1,
      '5.2',
    ),
  ],
  build: [
    loc(
      '0cd358e1-9217-4d94-8269-1c1ee6f93dcf',
      'build',
      'Builds',
      '{project}/_apis/build/builds/{buildId}',
      8,
    ),
    loc(
      '8baac422-4c6e-4de5-8532-db96d92acffa',
      'build',
      'Timeline',
      '{project}/_apis/build/builds/{buildId}/Timeline/{timelineId}',
      3,
      '2.0',
    ),
    loc(
      '35a80daf-7f30-45fc-86e8-6b813d9c90df',
      'build',
      'logs',
      '{project}/_apis/build/builds/{buildId}/logs/{logId}',
      2,
      '2.0',
    ),
    loc(
      '6e6114b2-8161-44c8-8f6c-c5505782427f',
      'build',
      'tags',
      '{project}/_apis/build/builds/{buildId}/tags/{*tag}',
      3,
      '2.0',
    ),
    loc(
      'd84ac5c6-edc7-43d5-adc9-1b34be5dea09',
      'build',
      'tags',
      '{project}/_apis/build/tags/{*tag}',
      3,
      '2.0',
    ),
    loc(
      'b8aac6c9-744b-46e1-88fc-3550969f9313',
      'build',
      'stages',
      '{project}/_apis/build/builds/{buildId}/stages/{stageRefName}',
      1,
      '5.0',
    ),
    loc(
      'dbeaf647-6167-421a-bda9-c9327b25e2e6',
      'build',
      'Definitions',
      '{project}/_apis/build/definitions/{definitionId}',
      7,
      '2.0',
    ),
  ],
  core: [
    loc(
      '603fe2ac-9723-48b9-88ad-09305aa6c6e1',
      'core',
      'projects',
      '_apis/projects/{*projectId}',
      4,
    ),
  ],
  hooks: [
    loc(
      'fc50d02a-849f-41fb-8af1-0a5216103269',
      'hooks',
      'Subscriptions',
      '_apis/{area}/{resource}/{subscriptionId}',
      1,
    ),
  ],
  approval: [
    loc(
      '37794717-f36f-4d78-b2bf-4dc30d0cfbcd',
      'approval',
      'approvals',
      '{project}/_apis/pipelines/approvals/{approvalId}',
      1,
      '5.1',
    ),
  ],
};

/** Locations of one area (case-insensitive); all of them for `_apis` itself. */
export function areaLocations(area: string | undefined): Loc[] {
  if (area === undefined || area === '') return Object.values(AREAS).flat();
  return AREAS[area.toLowerCase()] ?? [];
}

/** Resource areas the node client's factories ask for, all served from the organization URL. */
export function resourceAreas(orgUrl: string): { id: string; name: string; locationUrl: string }[] {
  const locationUrl = `${orgUrl}/`;
  return [
    { id: '965220d5-5bb9-42cf-8d67-9b146df2a5a4', name: 'Build' },
    // getPipelinesApi() asks for the Work Item Tracking area id (a client bug); it must be here.
    { id: '5264459e-e5e0-4bd8-b118-0985e68a4ec5', name: 'wit' },
    { id: '79134c72-4a58-4b42-976c-04e7115f32bf', name: 'core' },
    { id: 'a85b8835-c1a1-4aac-ae97-1c3d0ba72dbd', name: 'distributedtask' },
    { id: '5b55a9b6-2e0f-40d7-829d-3741d2b8c4e4', name: 'approval' },
    { id: '4e40f190-2e3f-4d9f-8331-c7788e833080', name: 'hooks' },
  ].map((a) => ({ ...a, locationUrl }));
}
