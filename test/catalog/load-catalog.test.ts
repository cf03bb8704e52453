import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogError, loadCatalog, parseCatalog } from '../../src/catalog/load-catalog';
import { findEnvironment, findPipeline } from '../../src/catalog/find-in-catalog';

const path = join(__dirname, '../../config/digitre.yaml');
const text = readFileSync(path, 'utf8');

describe('the DigitRE catalog', () => {
  const catalog = loadCatalog(path);

  it('has the seven pipelines under their real Azure DevOps names', () => {
    expect(catalog.pipelines.map((p) => p.name)).toEqual([
      '[ML]-[Extract-Prepare]',
      '[ML]-Train-Evaluate-Register',
      '[DEV]-Build_and_Deploy',
      '[Dev]-Delete-After-24Hours',
      '[QA]-Deploy',
      '[Manual]-[Custom-QA]-Deploy',
      '[Manual]-[Prod]-deployment',
    ]);
  });

  it('resolves keys and aliases case-insensitively', () => {
    expect(findPipeline(catalog, 'TRAIN')?.key).toBe('train');
    expect(findPipeline(catalog, 'cleanup')?.key).toBe('dev-cleanup');
    expect(findEnvironment(catalog, 'production')?.key).toBe('prod');
    expect(findEnvironment(catalog, 'Custom-QA')?.pipeline).toBe('custom-qa');
    expect(findEnvironment(catalog, 'nowhere')).toBeUndefined();
  });

  it('only prod needs confirmation and an approval', () => {
    expect(catalog.environments.filter((e) => e.confirm).map((e) => e.key)).toEqual(['prod']);
    expect(catalog.environments.filter((e) => e.approval).map((e) => e.key)).toEqual(['prod']);
  });
});

describe('catalog validation errors point at the line and key', () => {
  it('names an unknown environment with its line', () => {
    const bad = text.replace('environment: qa\n    triggers', 'environment: staging\n    triggers');
    expect(() => parseCatalog(bad, 'x.yaml')).toThrow(CatalogError);
    expect(() => parseCatalog(bad, 'x.yaml')).toThrow(
      /x\.yaml:\d+ pipelines\.4\.environment: environment "staging" is not declared/,
    );
  });

  it('rejects an alias that names two pipelines', () => {
    const bad = text.replace('aliases: [training,', 'aliases: [extract, training,');
    expect(() => parseCatalog(bad)).toThrow(
      /pipelines\.1\.aliases\.0: "extract" already names pipeline extract-prepare/,
    );
  });

  it('rejects a bad principal and an unknown key', () => {
    expect(() =>
      parseCatalog(
        text.replace('- devops.lead@digitre.example\n  runners', '- not-a-person\n  runners'),
      ),
    ).toThrow(/roles\.admins\.0: must be an email/);
    expect(() => parseCatalog(text.replace('version: 1', 'version: 1\nflavour: mint'))).toThrow(
      /Unrecognized key/,
    );
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(() => parseCatalog('pipelines: [\n  - a', 'y.yaml')).toThrow(/^y\.yaml:\d+:\d+/);
  });

  it('names a missing file', () => {
    expect(() => loadCatalog('/nonexistent/catalog.yaml')).toThrow(
      /cannot read catalog \/nonexistent\/catalog\.yaml/,
    );
  });
});
