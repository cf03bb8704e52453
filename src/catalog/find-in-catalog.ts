import type { Catalog, EnvironmentSpec, PipelineSpec } from './catalog-schema';

/** The pipeline a typed word names (its key or an alias, case-insensitive), if any. */
export function findPipeline(catalog: Catalog, word: string): PipelineSpec | undefined {
  const w = word.toLowerCase();
  return catalog.pipelines.find((p) => p.key === w || p.aliases.includes(w));
}

/** The environment a typed word names (its key or an alias, case-insensitive), if any. */
export function findEnvironment(catalog: Catalog, word: string): EnvironmentSpec | undefined {
  const w = word.toLowerCase();
  return catalog.environments.find((e) => e.key === w || e.aliases.includes(w));
}

/** Every name a person may type for a pipeline or environment (for did-you-mean). */
export function catalogNames(catalog: Catalog): { pipelines: string[]; environments: string[] } {
  return {
    pipelines: catalog.pipelines.flatMap((p) => [p.key, ...p.aliases]),
    environments: catalog.environments.flatMap((e) => [e.key, ...e.aliases]),
  };
}
