import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog, PipelineSpec } from '../catalog/catalog-schema';
import type { Definition } from './model';
import { deterministicGuid } from './ids';
import { loadPipelineYaml } from './load-pipeline-yaml';

/** What every projection needs: where the organization lives and what it holds. */
export interface EmulatorContext {
  /** Set once the server listens, e.g. `http://127.0.0.1:41234/digitre`. */
  orgUrl: string;
  organization: string;
  project: { id: string; name: string };
  collectionId: string;
  accountId: string;
  catalog: Catalog;
  definitions: Definition[];
}

/**
 * The definition of one catalog pipeline: its YAML (under `root`, at the catalog's yamlPath) is
 * the truth for parameters and stages, as on the service; without a file (another team's catalog
 * in local mode) the catalog stands in.
 */
function definitionSpec(spec: PipelineSpec, root: string | undefined) {
  if (!root || !existsSync(join(root, spec.yamlPath))) return { spec };
  const yaml = loadPipelineYaml(root, spec.yamlPath);
  return { spec: { ...spec, parameters: yaml.parameters, stages: yaml.stages }, yaml };
}

/**
 * Builds the context from the catalog: definition ids are the catalog order (1, 2, ...), so they
 * are the same on every start. `pipelinesRoot` is the Devops-MLops checkout the catalog's
 * yamlPaths are relative to.
 * @example createContext(catalog, 'digitre', '.').definitions[0]?.id === 1
 */
export function createContext(
  catalog: Catalog,
  organization: string,
  pipelinesRoot?: string,
): EmulatorContext {
  const repoIds = new Map(
    catalog.repositories.map((r) => [r.name, deterministicGuid(`repo:${r.name}`)]),
  );
  return {
    orgUrl: '',
    organization,
    project: { id: deterministicGuid(`project:${catalog.project}`), name: catalog.project },
    collectionId: deterministicGuid(`collection:${organization}`),
    accountId: deterministicGuid(`account:${organization}`),
    catalog,
    definitions: catalog.pipelines.map((spec, i) => ({
      id: i + 1,
      key: spec.key,
      name: spec.name,
      revision: 1,
      ...definitionSpec(spec, pipelinesRoot),
      repositoryId: repoIds.get(spec.repository) ?? deterministicGuid(`repo:${spec.repository}`),
    })),
  };
}

/** Links use the project id, as Azure DevOps does. */
export function projectBase(ctx: EmulatorContext): string {
  return `${ctx.orgUrl}/${ctx.project.id}`;
}

export function findDefinition(ctx: EmulatorContext, id: number): Definition | undefined {
  return ctx.definitions.find((d) => d.id === id);
}

/** Environment ids are the catalog order, starting at 1. */
export function environmentId(ctx: EmulatorContext, key: string): number {
  return ctx.catalog.environments.findIndex((e) => e.key === key) + 1;
}
