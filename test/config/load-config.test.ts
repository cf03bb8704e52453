import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load-config';

describe('loadConfig', () => {
  it('reads how often the outbox retries (CHATOPS_OUTBOX_INTERVAL_MS), refusing nonsense', () => {
    expect(loadConfig({}).outboxIntervalMs).toBeUndefined();
    expect(loadConfig({ CHATOPS_OUTBOX_INTERVAL_MS: '500' }).outboxIntervalMs).toBe(500);
    for (const bad of ['fast', '50', '1.5', '3600001']) {
      expect(() => loadConfig({ CHATOPS_OUTBOX_INTERVAL_MS: bad })).toThrow(
        /CHATOPS_OUTBOX_INTERVAL_MS: must be a number of milliseconds from 100 to 3600000/,
      );
    }
  });

  it('defaults to local mode on loopback with SQLite under .data/', () => {
    const c = loadConfig({});
    expect(c.ado).toBeUndefined();
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(3978);
    expect(c.store).toEqual({ kind: 'sqlite', path: '.data/chatops.db' });
    expect(c.catalogPath).toBe('config/digitre.yaml');
  });

  it('reads Azure DevOps settings and strips a trailing slash', () => {
    const c = loadConfig({
      ADO_ORG_URL: 'https://dev.azure.com/digitre/',
      ADO_PROJECT: 'DigitRE',
      ADO_PAT: 'x'.repeat(52),
    });
    expect(c.ado).toEqual({
      orgUrl: 'https://dev.azure.com/digitre',
      project: 'DigitRE',
      pat: 'x'.repeat(52),
    });
    expect(c.secrets).toContain('x'.repeat(52));
  });

  it.each([
    [{ PORT: 'abc' }, /PORT: must be a port number/],
    [{ PORT: '70000' }, /PORT: must be between 0 and 65535/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL: must be one of/],
    [{ ADO_ORG_URL: 'not a url' }, /ADO_ORG_URL: must be a URL/],
    [{ ADO_ORG_URL: 'https://dev.azure.com/x' }, /ADO_PROJECT: required/],
    [{ CHATOPS_STORE: 'postgres' }, /CHATOPS_STORE: must be sqlite/],
    [{ CHATOPS_STORE: 'azure' }, /AZURE_STORAGE_CONNECTION_STRING: required/],
    [{ MicrosoftAppType: 'Single' }, /MicrosoftAppType: must be MultiTenant/],
    [{ ADO_WEBHOOK_SECRET: 'short' }, /ADO_WEBHOOK_SECRET: must be at least 16/],
    [{ MicrosoftAppId: 'app' }, /MicrosoftAppPassword: required/],
  ])('%j is refused with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('refuses to listen unauthenticated beyond loopback unless told to', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/not loopback/);
    expect(loadConfig({ HOST: '0.0.0.0', CHATOPS_ALLOW_UNAUTHENTICATED: 'true' }).host).toBe(
      '0.0.0.0',
    );
    expect(loadConfig({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'b' }).host).toBe('0.0.0.0');
  });

  it('reads a .env file, and real environment variables win over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'PORT=4000\nLOG_LEVEL=debug\nMicrosoftAppId=\n');
    const c = loadConfig({ LOG_LEVEL: 'warn' }, file);
    expect(c.port).toBe(4000);
    expect(c.logLevel).toBe('warn');
    expect(c.bot.appId).toBeUndefined();
  });

  describe('CHATOPS_ALLOWED_TENANTS', () => {
    const TENANT = '8F2A51C4-6B1E-4D2A-9C33-0D4E5F6A7B8C';
    const production = {
      MicrosoftAppId: 'app-id',
      MicrosoftAppPassword: 'app-password',
      ADO_ORG_URL: 'https://dev.azure.com/digitre',
      ADO_PROJECT: 'DigitRE',
    };

    it('reads a comma list, trimmed and lower-cased', () => {
      const c = loadConfig({ CHATOPS_ALLOWED_TENANTS: ` ${TENANT}, other-tenant ,` });
      expect(c.allowedTenants).toEqual([TENANT.toLowerCase(), 'other-tenant']);
    });

    it('defaults to MicrosoftAppTenantId, and to every tenant in local mode without one', () => {
      expect(loadConfig({ ...production, MicrosoftAppTenantId: TENANT }).allowedTenants).toEqual([
        TENANT.toLowerCase(),
      ]);
      expect(loadConfig({}).allowedTenants).toEqual([]);
      expect(loadConfig({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'p' }).allowedTenants).toEqual(
        [],
      );
    });

    it('is required with a multi-tenant app id outside local mode, and the error names it', () => {
      expect(() => loadConfig(production)).toThrow(ConfigError);
      expect(() => loadConfig({ ...production, MicrosoftAppType: 'MultiTenant' })).toThrow(
        /CHATOPS_ALLOWED_TENANTS: required with a MultiTenant MicrosoftAppId/,
      );
      expect(loadConfig({ ...production, CHATOPS_ALLOWED_TENANTS: TENANT }).allowedTenants).toEqual(
        [TENANT.toLowerCase()],
      );
    });

    it('refuses a value that is not a list of tenant ids', () => {
      expect(() => loadConfig({ CHATOPS_ALLOWED_TENANTS: 'contoso tenant;x' })).toThrow(
        /CHATOPS_ALLOWED_TENANTS: must be a comma list of Entra tenant ids/,
      );
    });
  });
});
