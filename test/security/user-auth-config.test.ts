import { ConfigError, loadConfig } from '../../src/config/load-config';

const BOT = {
  MicrosoftAppId: '5d9e1f0a-1b2c-4d3e-8f90-a1b2c3d4e5f6',
  MicrosoftAppPassword: 'bot-app-password~1',
  MicrosoftAppTenantId: '11111111-2222-3333-4444-555555555555',
};

describe('configuration of acting as the person', () => {
  it('is off without CHATOPS_OAUTH_CONNECTION (the bot identity acts)', () => {
    expect(loadConfig(BOT).userAuth).toBeUndefined();
  });

  it('defaults the on-behalf-of app to the bot’s app, tenant and secret', () => {
    const c = loadConfig({ ...BOT, CHATOPS_OAUTH_CONNECTION: 'ado-sso' });
    expect(c.userAuth).toEqual({
      connectionName: 'ado-sso',
      obo: {
        clientId: BOT.MicrosoftAppId,
        clientSecret: BOT.MicrosoftAppPassword,
        tenantId: BOT.MicrosoftAppTenantId,
        authorityHost: undefined,
        disableInstanceDiscovery: false,
      },
    });
  });

  it('takes explicit overrides, and masks the override secret like every other', () => {
    const c = loadConfig({
      ...BOT,
      MicrosoftAppPassword: undefined,
      MicrosoftAppType: 'UserAssignedMSI',
      CHATOPS_OAUTH_CONNECTION: 'ado-sso',
      CHATOPS_OBO_CLIENT_ID: 'obo-app',
      CHATOPS_OBO_CLIENT_SECRET: 'obo-secret-value-Zz9',
      CHATOPS_OBO_TENANT_ID: 'obo-tenant',
    });
    expect(c.userAuth?.obo).toMatchObject({
      clientId: 'obo-app',
      clientSecret: 'obo-secret-value-Zz9',
      tenantId: 'obo-tenant',
    });
    expect(c.secrets).toContain('obo-secret-value-Zz9');
  });

  it('an authority host override must be https, and turns instance discovery off', () => {
    const c = loadConfig({
      ...BOT,
      CHATOPS_OAUTH_CONNECTION: 'ado-sso',
      CHATOPS_ENTRA_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
    });
    expect(c.userAuth?.obo).toMatchObject({
      authorityHost: 'https://login.microsoftonline.us',
      disableInstanceDiscovery: true,
    });
    expect(() =>
      loadConfig({
        ...BOT,
        CHATOPS_OAUTH_CONNECTION: 'ado-sso',
        CHATOPS_ENTRA_AUTHORITY_HOST: 'http://127.0.0.1:8443',
      }),
    ).toThrow(/CHATOPS_ENTRA_AUTHORITY_HOST: must be an https URL/);
  });

  it.each([
    [{ CHATOPS_OAUTH_CONNECTION: 'x' }, /MicrosoftAppId: required with CHATOPS_OAUTH_CONNECTION/],
    [
      { ...BOT, MicrosoftAppTenantId: undefined, CHATOPS_OAUTH_CONNECTION: 'x' },
      /MicrosoftAppTenantId: required with CHATOPS_OAUTH_CONNECTION/,
    ],
    [
      {
        ...BOT,
        MicrosoftAppPassword: undefined,
        MicrosoftAppType: 'UserAssignedMSI',
        CHATOPS_OAUTH_CONNECTION: 'x',
      },
      /CHATOPS_OBO_CLIENT_SECRET: required/,
    ],
  ])('refuses an incomplete setup %#', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(ConfigError);
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });
});
