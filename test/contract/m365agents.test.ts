import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse as parseDotenv } from 'dotenv';
import { parse } from 'yaml';

// m365agents.yml against the Agents Toolkit's own schema for it (fixtures/, copied from
// @microsoft/m365agentstoolkit-cli 1.1.17, MIT), and every ${{VARIABLE}} the Toolkit will
// expand against where it comes from.
const ROOT = join(__dirname, '..', '..');
const text = readFileSync(join(ROOT, 'm365agents.yml'), 'utf8');
const project = parse(text) as Record<
  string,
  {
    uses: string;
    with?: Record<string, unknown>;
    writeToEnvironmentFile?: Record<string, string>;
  }[]
>;
const schema = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'm365agents-yaml-v1.13.schema.json'), 'utf8'),
) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const actions = (lifecycle: string) => project[lifecycle] ?? [];
const placeholders = (s: string): string[] => [...s.matchAll(/\$\{\{(\w+)\}\}/g)].map((m) => m[1]!);

describe('contract: m365agents.yml (Microsoft 365 Agents Toolkit)', () => {
  it("matches the Toolkit's schema for its version", () => {
    expect(text).toMatch(/^version: v1\.13$/m);
    expect(validate(project) ? [] : validate.errors).toEqual([]);
    // The schema is strict enough to catch a mistake.
    const broken = structuredClone(project);
    broken['provision']![0]!.with = { ...broken['provision']![0]!.with, appName: 'x' };
    expect(validate(broken)).toBe(false);
  });

  it('provisions the Teams app, the bot app and infra/, deploys the image, publishes the package', () => {
    expect(actions('provision').map((a) => a.uses)).toEqual([
      'teamsApp/create',
      'aadApp/create',
      'arm/deploy',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ]);
    expect(actions('deploy').every((a) => a.uses === 'script')).toBe(true);
    expect(
      actions('deploy')
        .map((a) => String(a.with?.['run']))
        .join(' '),
    ).toMatch(/az acr build .*--file Dockerfile[\s\S]*az containerapp update/);
    expect(
      actions('publish')
        .map((a) => a.uses)
        .at(-1),
    ).toBe('teamsApp/publishAppPackage');
  });

  it('points at files that exist', () => {
    const arm = actions('provision').find((a) => a.uses === 'arm/deploy')!;
    for (const t of arm.with!['templates'] as { path: string; parameters: string }[]) {
      expect(existsSync(join(ROOT, t.path))).toBe(true);
      expect(existsSync(join(ROOT, t.parameters))).toBe(true);
    }
    for (const a of [...actions('provision'), ...actions('publish')]) {
      const manifest = a.with?.['manifestPath'];
      if (typeof manifest === 'string') expect(existsSync(join(ROOT, manifest))).toBe(true);
    }
    for (const icon of ['color.png', 'outline.png']) {
      expect(existsSync(join(ROOT, 'appPackage', icon))).toBe(true);
    }
  });

  it('every ${{VARIABLE}} has a source: env/.env.dev, an action, a Bicep output or the Toolkit', () => {
    const envDev = parseDotenv(readFileSync(join(ROOT, 'env', '.env.dev')));
    const written = Object.values(project)
      .filter(Array.isArray)
      .flat()
      .flatMap((a) => Object.values(a.writeToEnvironmentFile ?? {}));
    const outputs = [
      ...readFileSync(join(ROOT, 'infra', 'azure.bicep'), 'utf8').matchAll(/^output (\w+) /gm),
    ].map((m) => m[1]!);
    const builtIn = ['TEAMSFX_ENV', 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME'];
    // Secrets the admin writes to env/.env.dev.user, as env/.env.dev explains.
    const userSecrets = ['SECRET_ADO_PAT', 'SECRET_ADO_WEBHOOK_SECRET'];
    const known = new Set([
      ...Object.keys(envDev),
      ...written,
      ...outputs,
      ...builtIn,
      ...userSecrets,
    ]);
    const used = [
      text,
      readFileSync(join(ROOT, 'infra', 'azure.parameters.json'), 'utf8'),
      readFileSync(join(ROOT, 'appPackage', 'manifest.json'), 'utf8'),
    ].flatMap(placeholders);
    expect(used.length).toBeGreaterThan(10);
    expect([...new Set(used)].filter((v) => !known.has(v))).toEqual([]);
    for (const secret of userSecrets)
      expect(readFileSync(join(ROOT, 'env', '.env.dev'), 'utf8')).toContain(secret);
    // No secret in the committed environment file.
    expect(Object.keys(envDev).filter((k) => k.startsWith('SECRET_'))).toEqual([]);
  });
});
