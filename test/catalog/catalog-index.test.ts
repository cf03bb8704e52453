import { join } from 'node:path';
import { CatalogLookupError, catalogIndex } from '../../src/catalog/catalog-index';
import { loadCatalog } from '../../src/catalog/load-catalog';

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));

describe('catalogIndex', () => {
  const index = catalogIndex(catalog);

  it('is built once per catalog', () => {
    expect(catalogIndex(catalog)).toBe(index);
    expect(catalogIndex({ ...catalog })).not.toBe(index);
  });

  it('finds pipelines by key or alias and by their Azure DevOps name, case-insensitively', () => {
    expect(index.pipeline('TRAIN')?.key).toBe('train');
    expect(index.pipeline('cleanup')?.key).toBe('dev-cleanup');
    expect(index.pipelineNamed('[manual]-[prod]-DEPLOYMENT')?.key).toBe('prod');
    expect(index.pipeline('[Manual]-[Prod]-deployment')).toBeUndefined();
    expect(index.pipeline(undefined)).toBeUndefined();
  });

  it('finds environments by key, alias or display name', () => {
    expect(index.environment('Production')?.key).toBe('prod');
    expect(index.environment('nowhere')).toBeUndefined();
    const prod = index.requireEnvironment('prod');
    expect(index.environmentNamed(prod.displayName.toUpperCase())?.key).toBe('prod');
  });

  it('answers which pipeline deploys an environment and where a pipeline deploys', () => {
    expect(index.pipelineOf('custom-qa').name).toBe('[Manual]-[Custom-QA]-Deploy');
    expect(index.environmentOf('prod')?.key).toBe('prod');
    expect(index.environmentOf('train')).toBeUndefined();
  });

  it('throws a coded error for a key the code expected to be declared', () => {
    expect(() => index.requirePipeline('staging')).toThrow(CatalogLookupError);
    expect(() => index.pipelineOf('staging')).toThrow(
      'The catalog declares no environment "staging".',
    );
  });

  it("reads the model version under the catalog's parameter name, not a hard-coded one", () => {
    expect(index.modelVersionOf({ modelVersion: '3' })).toBe('3');
    const other = catalogIndex({
      ...catalog,
      models: { pipeline: 'train', tagPrefix: 'model:', parameter: 'model_tag' },
    });
    expect(other.modelParameter).toBe('model_tag');
    expect(other.modelVersionOf({ modelVersion: '3', model_tag: '7' })).toBe('7');
  });

  it('lists every typeable name for did-you-mean', () => {
    const names = index.names();
    expect(names.pipelines).toEqual(expect.arrayContaining(['train', 'cleanup', 'prod']));
    expect(names.environments).toEqual(expect.arrayContaining(['prod', 'production']));
  });
});
