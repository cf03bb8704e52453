import { catalogIndex } from './catalog-index';
import type { Catalog, EnvironmentSpec, PipelineSpec } from './catalog-schema';

/** The pipeline a typed word names (its key or an alias, case-insensitive), if any. */
export function findPipeline(catalog: Catalog, word: string): PipelineSpec | undefined {
  return catalogIndex(catalog).pipeline(word);
}

/** The environment a typed word names (its key or an alias, case-insensitive), if any. */
export function findEnvironment(catalog: Catalog, word: string): EnvironmentSpec | undefined {
  return catalogIndex(catalog).environment(word);
}

/** Every name a person may type for a pipeline or environment (for did-you-mean). */
export function catalogNames(catalog: Catalog): { pipelines: string[]; environments: string[] } {
  return catalogIndex(catalog).names();
}
