import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import type { AppConfig, StoreConfig } from './app-config';
import { allowedTenantsFrom } from './allowed-tenants-from';
import { ConfigError } from './config-error';
import { envSchema } from './env-schema';
import { slackConfigFrom } from './slack-config-from';
import { userAuthFrom } from './user-auth-from';

// Everything callers import from here keeps working after the split into one file per part.
export type {
  AppConfig,
  BotEndpoints,
  SlackConfig,
  StoreConfig,
  UserAuthConfig,
} from './app-config';
export { ConfigError } from './config-error';
export { CONFIG_VARIABLES } from './env-schema';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Reads and validates configuration from the environment (plus `.env` when present; real
 * environment variables win).
 * @example const config = loadConfig(process.env, '.env');
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, dotenvPath?: string): AppConfig {
  const fromFile =
    dotenvPath && existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  // Empty variables count as unset: `MicrosoftAppId=` in a .env means "no app id".
  const merged = Object.fromEntries(
    Object.entries({ ...fromFile, ...env }).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const authenticated = Boolean(e.MicrosoftAppId);
  const host = e.HOST ?? (authenticated ? '0.0.0.0' : '127.0.0.1');
  if (!authenticated && !LOOPBACK.has(host) && !e.CHATOPS_ALLOW_UNAUTHENTICATED) {
    throw new ConfigError(
      `invalid configuration:\n  HOST: ${host} is not loopback, and MicrosoftAppId is not set, so anyone could ` +
        'talk to the bot unauthenticated. Set MicrosoftAppId/MicrosoftAppPassword, use HOST=127.0.0.1, ' +
        'or set CHATOPS_ALLOW_UNAUTHENTICATED=true if you really mean it.',
    );
  }
  if (authenticated && !e.MicrosoftAppPassword && e.MicrosoftAppType !== 'UserAssignedMSI') {
    throw new ConfigError(
      'invalid configuration:\n  MicrosoftAppPassword: required when MicrosoftAppId is set (unless MicrosoftAppType=UserAssignedMSI)',
    );
  }
  if (e.ADO_ORG_URL && !e.ADO_PROJECT) {
    throw new ConfigError(
      'invalid configuration:\n  ADO_PROJECT: required when ADO_ORG_URL is set (e.g. DigitRE)',
    );
  }
  let store: StoreConfig;
  if (e.CHATOPS_STORE === 'memory') store = { kind: 'memory' };
  else if (e.CHATOPS_STORE === 'azure') {
    if (!e.AZURE_STORAGE_CONNECTION_STRING) {
      throw new ConfigError(
        'invalid configuration:\n  AZURE_STORAGE_CONNECTION_STRING: required when CHATOPS_STORE=azure',
      );
    }
    store = { kind: 'azure', connectionString: e.AZURE_STORAGE_CONNECTION_STRING };
  } else {
    store = { kind: 'sqlite', path: e.CHATOPS_STORE.slice('sqlite:'.length) || '.data/chatops.db' };
  }
  const allowedTenants = allowedTenantsFrom(e);
  const userAuth = userAuthFrom(e);
  const slack = slackConfigFrom(e);
  const secrets = [
    e.MicrosoftAppPassword,
    e.CHATOPS_OBO_CLIENT_SECRET,
    e.ADO_PAT,
    e.ADO_WEBHOOK_SECRET,
    e.AZURE_STORAGE_CONNECTION_STRING,
    slack?.botToken,
    slack?.signingSecret,
  ].filter((s): s is string => Boolean(s));
  return {
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      tenantId: e.MicrosoftAppTenantId,
      appType: e.MicrosoftAppType,
      openIdMetadata: e.BotOpenIdMetadata,
      endpoints: {
        ToBotFromChannelOpenIdMetadataUrl: e.ToBotFromChannelOpenIdMetadataUrl,
        ToBotFromChannelTokenIssuer: e.ToBotFromChannelTokenIssuer,
        ToBotFromEmulatorOpenIdMetadataUrl: e.ToBotFromEmulatorOpenIdMetadataUrl,
        ToChannelFromBotLoginUrl: e.ToChannelFromBotLoginUrl,
        ToChannelFromBotOAuthScope: e.ToChannelFromBotOAuthScope,
        OAuthUrl: e.OAuthUrl,
      },
    },
    userAuth,
    ado: e.ADO_ORG_URL
      ? { orgUrl: e.ADO_ORG_URL, project: e.ADO_PROJECT!, pat: e.ADO_PAT }
      : undefined,
    webhookSecret: e.ADO_WEBHOOK_SECRET,
    catalogPath: e.CHATOPS_CATALOG,
    store,
    auditDays: e.CHATOPS_AUDIT_DAYS,
    publicUrl: e.CHATOPS_PUBLIC_URL,
    port: e.PORT,
    host,
    logLevel: e.LOG_LEVEL,
    emulatorTaskMs: e.CHATOPS_EMULATOR_TASK_MS,
    rateLimitPerMinute: e.CHATOPS_RATE_LIMIT_PER_MINUTE,
    allowedTenants,
    poll: { intervalMs: e.CHATOPS_POLL_INTERVAL_MS, leaseMs: e.CHATOPS_LEASE_MS },
    outboxIntervalMs: e.CHATOPS_OUTBOX_INTERVAL_MS,
    slack,
    secrets,
  };
}
