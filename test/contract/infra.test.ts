import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config/load-config';

// No Bicep compiler is published on npm (and none can be downloaded here), so infra/azure.bicep
// is read as text: the container's environment is held against the bot's configuration loader.
// With BICEP_BIN set (e.g. `az bicep install` elsewhere), it is also compiled to ARM JSON.
const ROOT = join(__dirname, '..', '..');
const INFRA = join(ROOT, 'infra');
const main = readFileSync(join(INFRA, 'azure.bicep'), 'utf8');
const botModule = readFileSync(join(INFRA, 'modules', 'azure-bot.bicep'), 'utf8');
const secretsModule = readFileSync(join(INFRA, 'modules', 'key-vault-secrets.bicep'), 'utf8');

interface EnvEntry {
  name: string;
  kind: 'value' | 'secretRef';
  expr: string;
}

/**
 * Container env entries, written one per line as `{ name: 'X', value: expr }` or `secretRef`;
 * the conditional ones (app password, PAT) count as set: the SingleTenant + PAT deployment.
 */
const envEntries: EnvEntry[] = [
  ...main.matchAll(/\{ name: '(\w+)', (value|secretRef): (.+) \}$/gm),
].map((m) => ({ name: m[1]!, kind: m[2] as EnvEntry['kind'], expr: m[3]! }));

/** `param name type` declarations, with whether they have a default and are @secure(). */
function params(text: string): Map<string, { hasDefault: boolean; secure: boolean }> {
  const out = new Map<string, { hasDefault: boolean; secure: boolean }>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = /^param (\w+) \w+( = .*)?$/.exec(line);
    if (!m) return;
    let j = i - 1;
    let secure = false;
    while (j >= 0 && lines[j]!.startsWith('@')) secure ||= lines[j--]!.startsWith('@secure()');
    out.set(m[1]!, { hasDefault: Boolean(m[2]), secure });
  });
  return out;
}

/** A value for each env entry, as Azure would resolve it, to feed the real config loader. */
function sampleEnv(): Record<string, string> {
  const literal = (expr: string): string | undefined => /^'([^'$]*)'$/.exec(expr)?.[1];
  const samples: Record<string, string> = {
    MicrosoftAppId: '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
    MicrosoftAppTenantId: '00000000-0000-4000-8000-000000000001',
    MicrosoftAppType: 'SingleTenant',
    ADO_ORG_URL: 'https://dev.azure.com/digitre',
    ADO_PROJECT: 'DigitRE',
    CHATOPS_PUBLIC_URL: 'https://chatops-bot.example.azurecontainerapps.io',
    AZURE_CLIENT_ID: '00000000-0000-4000-8000-000000000002',
    PORT: '3978',
    LOG_LEVEL: 'info',
    AZURE_STORAGE_CONNECTION_STRING:
      'DefaultEndpointsProtocol=https;AccountName=chatops;AccountKey=a2V5;EndpointSuffix=core.windows.net',
  };
  return Object.fromEntries(
    envEntries.map((e) => [
      e.name,
      e.kind === 'secretRef' && e.name !== 'AZURE_STORAGE_CONNECTION_STRING'
        ? `secret-from-key-vault-${e.name}`
        : (literal(e.expr) ?? samples[e.name] ?? `unknown:${e.expr}`),
    ]),
  );
}

describe('contract: infra/azure.bicep sets what the bot needs', () => {
  // Read by @azure/identity (DefaultAzureCredential picks the user-assigned identity), not ours.
  const IDENTITY_VARIABLES = ['AZURE_CLIENT_ID'];

  it('sets only variables the bot (or @azure/identity) reads', () => {
    expect(envEntries.length).toBeGreaterThan(10);
    for (const e of envEntries) {
      expect([...CONFIG_VARIABLES, ...IDENTITY_VARIABLES]).toContain(e.name);
    }
  });

  it('sets everything a production bot on Azure Storage with several replicas requires', () => {
    const names = envEntries.map((e) => e.name);
    for (const required of [
      'MicrosoftAppId',
      'MicrosoftAppPassword',
      'MicrosoftAppTenantId',
      'MicrosoftAppType',
      'ADO_ORG_URL',
      'ADO_PROJECT',
      'ADO_PAT',
      'ADO_WEBHOOK_SECRET',
      'CHATOPS_STORE',
      'AZURE_STORAGE_CONNECTION_STRING',
      'CHATOPS_PUBLIC_URL',
      'HOST',
      'PORT',
    ]) {
      expect(names).toContain(required);
    }
    // The bot's own loader accepts the result: authenticated, Azure store, real Azure DevOps,
    // service hooks on, listening on every interface.
    const config = loadConfig(sampleEnv());
    expect(config.store.kind).toBe('azure');
    expect(config.bot.appId).toBeDefined();
    expect(config.bot.appType).toBe('SingleTenant');
    expect(config.ado).toMatchObject({ orgUrl: 'https://dev.azure.com/digitre' });
    expect(config.webhookSecret).toBeDefined();
    expect(config.publicUrl).toMatch(/^https:\/\//);
    expect(config.port).toBe(3978);
    expect(envEntries.find((e) => e.name === 'HOST')?.expr).toBe("'0.0.0.0'");
  });

  it('never puts a secret in a plain setting: secrets are Key Vault references', () => {
    const config = loadConfig(sampleEnv());
    // Whatever the loader treats as a secret (and so redacts in logs) comes from a secretRef.
    const secretNames = envEntries
      .filter((e) => config.secrets.includes(sampleEnv()[e.name] ?? '\0'))
      .map((e) => e.name);
    expect(secretNames.sort()).toEqual(
      [
        'ADO_PAT',
        'ADO_WEBHOOK_SECRET',
        'AZURE_STORAGE_CONNECTION_STRING',
        'MicrosoftAppPassword',
      ].sort(),
    );
    for (const name of secretNames) {
      expect(envEntries.find((e) => e.name === name)?.kind).toBe('secretRef');
    }
    // Each secretRef names a Container Apps secret that Key Vault resolves with the identity.
    const block = /var appSecrets = \[([\s\S]*?)\n\]/.exec(main)?.[1] ?? '';
    expect(block).toMatch(
      /keyVaultUrl: 'https:\/\/\$\{names\.vault\}\$\{environment\(\)\.suffixes\.keyvaultDns\}\/secrets\/\$\{secretName\}'/,
    );
    expect(block).toMatch(/identity: identity\.id/);
    expect(block).not.toMatch(/\bvalue:/);
    const declared = [
      ...main
        .split('\n')
        .filter((l) => /^var (baseSecretNames|secretNames) = /.test(l))
        .join('\n')
        .matchAll(/'([a-z-]+)'/g),
    ].map((m) => m[1]);
    const referenced = envEntries
      .filter((e) => e.kind === 'secretRef')
      .map((e) => /'([a-z-]+)'/.exec(e.expr)?.[1]);
    expect([...new Set(referenced)].sort()).toEqual([...new Set(declared)].sort());
    // ...and the module writes exactly those secrets to Key Vault.
    const written = [...secretsModule.matchAll(/^ {2}name: '([a-z-]+)'$/gm)].map((m) => m[1]);
    expect(written.sort()).toEqual([...new Set(declared)].sort());
    // Secret parameters are @secure() and never come back out as outputs.
    const p = params(main);
    for (const name of ['botAppPassword', 'adoPat', 'adoWebhookSecret']) {
      expect(p.get(name)?.secure).toBe(true);
      expect(main).not.toMatch(new RegExp(`^output .*\\b${name}\\b`, 'm'));
    }
  });

  it('probes /healthz and /readyz on the port the image listens on, with min/max replicas', () => {
    const dockerPort = /^EXPOSE (\d+)$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
    expect(main).toMatch(new RegExp(`^var port = ${dockerPort}$`, 'm'));
    expect(main).toMatch(/type: 'Liveness'\n\s+httpGet: \{ path: '\/healthz', port: port \}/);
    expect(main).toMatch(/type: 'Readiness'\n\s+httpGet: \{ path: '\/readyz', port: port \}/);
    expect(main).toMatch(/targetPort: port/);
    expect(main).toMatch(/minReplicas: minReplicas\n\s+maxReplicas: maxReplicas/);
    expect(params(main).get('minReplicas')?.hasDefault).toBe(true);
  });

  it('registers the Azure Bot with the Teams channel and outputs the messaging endpoint', () => {
    expect(botModule).toMatch(/kind: 'azurebot'/);
    expect(botModule).toMatch(/name: 'MsTeamsChannel'[\s\S]*isEnabled: true/);
    expect(main).toMatch(/messagingEndpoint: '\$\{publicUrl\}\/api\/messages'/);
    expect(main).toMatch(/^output MESSAGING_ENDPOINT string = azureBot\.outputs\.endpoint$/m);
    for (const resource of [
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      'Microsoft.OperationalInsights/workspaces',
      'Microsoft.Storage/storageAccounts',
      'Microsoft.KeyVault/vaults',
      'Microsoft.App/managedEnvironments',
      'Microsoft.App/containerApps',
    ]) {
      expect(main).toContain(`'${resource}@`);
    }
  });

  it('the parameters file (Agents Toolkit) sets every required parameter and no unknown one', () => {
    const file = JSON.parse(readFileSync(join(INFRA, 'azure.parameters.json'), 'utf8')) as {
      parameters: Record<string, { value: unknown }>;
    };
    const declared = params(main);
    for (const name of Object.keys(file.parameters)) expect([...declared.keys()]).toContain(name);
    for (const [name, p] of declared) {
      if (!p.hasDefault) expect(Object.keys(file.parameters)).toContain(name);
    }
    // Secrets reach it only from the Toolkit's SECRET_* variables (env/.env.<env>.user).
    for (const [name, p] of declared) {
      if (p.secure && file.parameters[name]) {
        expect(file.parameters[name]?.value).toMatch(/^\$\{\{SECRET_\w+\}\}$/);
      }
    }
  });

  const bicep = process.env['BICEP_BIN'];
  (bicep ? it : it.skip)('compiles with the Bicep CLI (BICEP_BIN)', () => {
    const out = mkdtempSync(join(tmpdir(), 'bicep-'));
    try {
      execFileSync(bicep!, ['build', join(INFRA, 'azure.bicep'), '--outdir', out]);
      expect(existsSync(join(out, 'azure.json'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
