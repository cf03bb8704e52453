import { readdirSync } from 'node:fs';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { REQUEST_ID_PARAMETER } from '../../src/devops/request-id';
import { loadPipelineYaml } from '../../src/emulator/load-pipeline-yaml';

// The catalog's yamlPath is relative to the Devops-MLops repository; `pipelines/` here is the
// folder an admin commits there, so the repository root is this folder's parent.
const catalog = loadCatalog('config/digitre.yaml');
const yamlOf = (path: string) => loadPipelineYaml('.', path);

describe('pipelines/ against config/digitre.yaml', () => {
  it('every pipeline YAML in pipelines/ is a catalog pipeline, and the reverse', () => {
    const files = readdirSync('pipelines').filter((f) => f.endsWith('.yml'));
    expect(files.map((f) => `pipelines/${f}`).sort()).toEqual(
      catalog.pipelines.map((p) => p.yamlPath).sort(),
    );
  });

  describe.each(catalog.pipelines.map((p) => [p.key, p] as const))('%s', (_key, spec) => {
    const yaml = yamlOf(spec.yamlPath);

    it('declares the catalog parameters with their types, defaults and values', () => {
      const declared = yaml.parameters.filter((p) => p.name !== REQUEST_ID_PARAMETER);
      expect(declared.map((p) => [p.name, p.type, p.default, p.values])).toEqual(
        spec.parameters.map((p) => [p.name, p.type, p.default, p.values]),
      );
    });

    it(`declares ${REQUEST_ID_PARAMETER} as a string defaulting to '' (idempotent queuing)`, () => {
      const p = yaml.parameters.find((x) => x.name === REQUEST_ID_PARAMETER);
      expect(p).toMatchObject({ type: 'string', default: '' });
    });

    it('has the stages, environments and step names the bot shows', () => {
      expect(yaml.stages).toEqual(
        spec.stages.map((s) => ({
          name: s.name,
          displayName: s.displayName,
          tasks: s.tasks,
          ...(s.environment ? { environment: s.environment } : {}),
        })),
      );
      if (spec.environment) {
        expect(yaml.stages.map((s) => s.environment)).toContain(spec.environment);
      }
    });

    it('has the triggers the catalog describes', () => {
      const scheduled = spec.triggers.some((t) => /schedul/i.test(t));
      expect(yaml.schedules.length > 0).toBe(scheduled);
      const onDevelop = spec.triggers.some((t) => /every commit to develop/i.test(t));
      expect(yaml.repositoryTriggers.some((r) => r.branches.includes('develop'))).toBe(onDevelop);
      expect(yaml.text).toMatch(/^trigger: none$/m); // manual for the pipeline's own repository
    });

    it('tags registered models the way the bot reads them', () => {
      const tagLine = `##vso[build.addbuildtag]${catalog.models!.tagPrefix}`;
      expect(yaml.text.includes(tagLine)).toBe(spec.registersModel);
    });
  });

  it('the prod pipeline deploys through the environment that carries the approval', () => {
    const prod = catalog.environments.find((e) => e.approval)!;
    const spec = catalog.pipelines.find((p) => p.key === prod.pipeline)!;
    const stages = yamlOf(spec.yamlPath).stages;
    expect(stages.some((s) => s.environment === prod.key)).toBe(true);
  });
});
