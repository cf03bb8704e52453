import { CodedError } from '../errors/coded-error';
import type { Catalog, EnvironmentSpec, PipelineSpec } from './catalog-schema';

/** A key the catalog was expected to declare (a bug or a stale record, never a user's typo). */
export class CatalogLookupError extends CodedError<'catalogLookup'> {
  constructor(what: 'pipeline' | 'environment', key: string) {
    super('catalogLookup', `The catalog declares no ${what} "${key}".`);
  }
}

/**
 * Every "which pipeline / which environment / whose approval" question, answered from maps
 * built once per catalog, with one case rule: what people type and what Azure DevOps reports
 * match case-insensitively; keys are stored lower-case by the schema.
 *
 * @example
 * const index = catalogIndex(catalog);
 * index.environment('Production')?.key   // 'prod'
 * index.pipelineOf('prod').name          // '[Manual]-[Prod]-deployment'
 * index.modelParameter                   // 'modelVersion' unless the catalog names another
 */
export class CatalogIndex {
  /** The run parameter carrying the model version (`models.parameter`, default `modelVersion`). */
  readonly modelParameter: string;
  private readonly pipelinesByWord = new Map<string, PipelineSpec>();
  private readonly pipelinesByName = new Map<string, PipelineSpec>();
  private readonly environmentsByWord = new Map<string, EnvironmentSpec>();
  private readonly environmentsByName = new Map<string, EnvironmentSpec>();

  constructor(readonly catalog: Catalog) {
    this.modelParameter = catalog.models?.parameter ?? 'modelVersion';
    for (const p of catalog.pipelines) {
      for (const w of [p.key, ...p.aliases]) this.pipelinesByWord.set(w.toLowerCase(), p);
      this.pipelinesByName.set(p.name.toLowerCase(), p);
    }
    for (const e of catalog.environments) {
      for (const w of [e.key, ...e.aliases]) this.environmentsByWord.set(w.toLowerCase(), e);
      this.environmentsByName.set(e.displayName.toLowerCase(), e);
    }
  }

  /** The pipeline a key or alias names (case-insensitive). */
  pipeline(word: string | null | undefined): PipelineSpec | undefined {
    return word ? this.pipelinesByWord.get(word.toLowerCase()) : undefined;
  }

  /** The pipeline whose Azure DevOps name this is (case-insensitive), e.g. `[QA]-Deploy`. */
  pipelineNamed(name: string | null | undefined): PipelineSpec | undefined {
    return name ? this.pipelinesByName.get(name.toLowerCase()) : undefined;
  }

  /** The environment a key or alias names (case-insensitive). */
  environment(word: string | null | undefined): EnvironmentSpec | undefined {
    return word ? this.environmentsByWord.get(word.toLowerCase()) : undefined;
  }

  /** The environment a key, alias or display name names (Azure DevOps reports display names). */
  environmentNamed(name: string | null | undefined): EnvironmentSpec | undefined {
    return (
      this.environment(name) ?? (name ? this.environmentsByName.get(name.toLowerCase()) : undefined)
    );
  }

  /** The pipeline that deploys an environment. Throws when the key is not declared. */
  pipelineOf(environmentKey: string): PipelineSpec {
    return this.requirePipeline(this.requireEnvironment(environmentKey).pipeline);
  }

  /**
   * The environment a pipeline (or one of its stages) deploys to: the stage's, the pipeline's,
   * or the first environment the pipeline deploys.
   */
  environmentOf(
    pipelineKey: string | undefined,
    stageName?: string | null,
  ): EnvironmentSpec | undefined {
    const pipeline = this.pipeline(pipelineKey);
    if (!pipeline) return undefined;
    const stage = stageName ? pipeline.stages.find((s) => s.name === stageName) : undefined;
    const key =
      stage?.environment ??
      pipeline.environment ??
      this.catalog.environments.find((e) => e.pipeline === pipeline.key)?.key;
    return this.environment(key);
  }

  /**
   * A stage as people read it: its catalog display name (`Deploy Production`), else the name
   * Azure DevOps gave (`Deploy_Prod`), else ''.
   */
  stageDisplayName(pipelineKey: string | undefined, stageName: string | null | undefined): string {
    if (!stageName) return '';
    const stage = this.pipeline(pipelineKey)?.stages.find((s) => s.name === stageName);
    return stage?.displayName ?? stageName;
  }

  /** A pipeline the code holds a key of (from a record, a parsed command). */
  requirePipeline(key: string): PipelineSpec {
    const found = this.pipeline(key);
    if (!found) throw new CatalogLookupError('pipeline', key);
    return found;
  }

  /** An environment the code holds a key of (from a record, a parsed command). */
  requireEnvironment(key: string): EnvironmentSpec {
    const found = this.environment(key);
    if (!found) throw new CatalogLookupError('environment', key);
    return found;
  }

  /** The model version a run's parameters carry, under the catalog's parameter name. */
  modelVersionOf(parameters: Readonly<Record<string, string>> | undefined): string | undefined {
    return parameters?.[this.modelParameter];
  }

  /** Every name a person may type for a pipeline or environment (for did-you-mean). */
  names(): { pipelines: string[]; environments: string[] } {
    return {
      pipelines: [...this.pipelinesByWord.keys()],
      environments: [...this.environmentsByWord.keys()],
    };
  }
}

const indexes = new WeakMap<Catalog, CatalogIndex>();

/** The index of a catalog, built on first use and kept as long as the catalog lives. */
export function catalogIndex(catalog: Catalog): CatalogIndex {
  let index = indexes.get(catalog);
  if (!index) {
    index = new CatalogIndex(catalog);
    indexes.set(catalog, index);
  }
  return index;
}
