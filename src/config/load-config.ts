import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { DEFAULT_AUDIT_DAYS } from '../store/audit-retention';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The environment variables the bot reads, with the names each ecosystem already uses. */
const envSchema = z.object({
  MicrosoftAppId: z.string().trim().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppTenantId: z.string().trim().optional(),
  MicrosoftAppType: z
    .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
      message: 'must be MultiTenant, SingleTenant or UserAssignedMSI',
    })
    .optional(),
  /** Where to fetch Bot Framework signing keys; points at a test issuer in offline tests. */
  BotOpenIdMetadata: z.url({ message: 'must be an https URL' }).optional(),
  // Bot Framework endpoints under botbuilder's own option names (sovereign clouds, offline tests).
  // Unset ones keep the public Azure cloud's values.
  ToBotFromChannelOpenIdMetadataUrl: z.url({ message: 'must be a URL' }).optional(),
  ToBotFromChannelTokenIssuer: z.string().trim().min(1).optional(),
  ToBotFromEmulatorOpenIdMetadataUrl: z.url({ message: 'must be a URL' }).optional(),
  ToChannelFromBotLoginUrl: z.url({ message: 'must be a URL' }).optional(),
  ToChannelFromBotOAuthScope: z.string().trim().min(1).optional(),
  OAuthUrl: z.url({ message: 'must be a URL' }).optional(),
  /** The Azure Bot resource's OAuth connection setting: set = approvals act as the person. */
  CHATOPS_OAUTH_CONNECTION: z.string().trim().min(1).max(200).optional(),
  // The Entra app that exchanges the person's token on-behalf-of; defaults to the bot's app.
  CHATOPS_OBO_CLIENT_ID: z.string().trim().min(1).optional(),
  CHATOPS_OBO_CLIENT_SECRET: z.string().min(1).optional(),
  CHATOPS_OBO_TENANT_ID: z.string().trim().min(1).optional(),
  /** Entra ID authority host for the on-behalf-of exchange (sovereign clouds, tests); https only. */
  CHATOPS_ENTRA_AUTHORITY_HOST: z
    .url({ protocol: /^https$/, message: 'must be an https URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  ADO_ORG_URL: z
    .url({ message: 'must be a URL such as https://dev.azure.com/digitre' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  ADO_PROJECT: z.string().trim().min(1).optional(),
  ADO_PAT: z.string().min(1).optional(),
  ADO_WEBHOOK_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  CHATOPS_CATALOG: z.string().min(1).default('config/digitre.yaml'),
  CHATOPS_STORE: z
    .string()
    .regex(/^(memory|azure|sqlite(:.+)?)$/, {
      message: 'must be sqlite, sqlite:<path>, memory or azure',
    })
    .default('sqlite'),
  AZURE_STORAGE_CONNECTION_STRING: z.string().min(1).optional(),
  /** Days the audit log keeps a record (SQLite and Azure stores prune older ones). */
  CHATOPS_AUDIT_DAYS: z.coerce
    .number({ message: 'must be a whole number of days from 1 to 36500 (default 90)' })
    .int({ message: 'must be a whole number of days from 1 to 36500 (default 90)' })
    .min(1, { message: 'must be a whole number of days from 1 to 36500 (default 90)' })
    .max(36500, { message: 'must be a whole number of days from 1 to 36500 (default 90)' })
    .default(DEFAULT_AUDIT_DAYS),
  CHATOPS_PUBLIC_URL: z.url({ message: 'must be the https URL Azure DevOps can reach' }).optional(),
  CHATOPS_ALLOW_UNAUTHENTICATED: bool.default(false),
  /** Entra tenants whose people may use the bot (comma list); default MicrosoftAppTenantId. */
  CHATOPS_ALLOWED_TENANTS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    )
    .refine((ts) => ts.every((t) => /^[a-z0-9][a-z0-9.-]{0,99}$/.test(t)), {
      message: 'must be a comma list of Entra tenant ids (GUIDs)',
    })
    .optional(),
  /** Commands one person may send per minute (0 = no limit). */
  CHATOPS_RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ message: 'must be a number of commands per minute (0 = no limit)' })
    .int()
    .min(0)
    .max(100000)
    .default(30),
  /** Local mode only: how long one emulated pipeline task takes. */
  CHATOPS_EMULATOR_TASK_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(1)
    .max(600000)
    .default(1500),
  /** Poller: interval while runs move (default 10 s without service hooks, 5 min with them). */
  CHATOPS_POLL_INTERVAL_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(50)
    .max(3_600_000)
    .optional(),
  /** Leases replicas hold while they work (polling, a run's events): a dead replica's expire after it. */
  CHATOPS_LEASE_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(200)
    .max(3_600_000)
    .optional(),
  /** How often the outbox retries cards the channel would not take (default 15 s). */
  CHATOPS_OUTBOX_INTERVAL_MS: z.coerce
    .number({ message: 'must be a number of milliseconds from 100 to 3600000 (default 15000)' })
    .int({ message: 'must be a number of milliseconds from 100 to 3600000 (default 15000)' })
    .min(100, { message: 'must be a number of milliseconds from 100 to 3600000 (default 15000)' })
    .max(3_600_000, {
      message: 'must be a number of milliseconds from 100 to 3600000 (default 15000)',
    })
    .optional(),
  PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int()
    .min(0, { message: 'must be between 0 and 65535' })
    .max(65535, { message: 'must be between 0 and 65535' })
    .default(3978),
  HOST: z.string().trim().min(1).optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

/** Every variable the configuration reads (deployment templates are checked against it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export type StoreConfig =
  | { kind: 'memory' }
  | { kind: 'sqlite'; path: string }
  | { kind: 'azure'; connectionString: string };

/** Bot Framework endpoint overrides (botbuilder's `ConfigurationBotFrameworkAuthentication` names). */
export interface BotEndpoints {
  ToBotFromChannelOpenIdMetadataUrl?: string;
  ToBotFromChannelTokenIssuer?: string;
  ToBotFromEmulatorOpenIdMetadataUrl?: string;
  ToChannelFromBotLoginUrl?: string;
  ToChannelFromBotOAuthScope?: string;
  OAuthUrl?: string;
}

/** Acting as the person: the sign-in connection and the app that exchanges tokens on-behalf-of. */
export interface UserAuthConfig {
  /** OAuth connection name on the Azure Bot resource (Teams SSO / sign-in card). */
  connectionName: string;
  obo: {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    /** Absent = https://login.microsoftonline.com. */
    authorityHost?: string;
    /** True when the authority host is overridden: Microsoft's instance discovery would refuse it. */
    disableInstanceDiscovery: boolean;
  };
}

/** Everything the composition root needs, validated once at start-up. */
export interface AppConfig {
  bot: {
    appId?: string;
    appPassword?: string;
    tenantId?: string;
    appType?: string;
    openIdMetadata?: string;
    /** botbuilder's endpoint options, by their botbuilder names; absent = public Azure cloud. */
    endpoints: BotEndpoints;
  };
  /** Absent = the bot's identity acts in Azure DevOps for everyone (comments name the person). */
  userAuth?: UserAuthConfig;
  /** Absent = local mode: the emulator starts in-process. */
  ado?: { orgUrl: string; project: string; pat?: string };
  webhookSecret?: string;
  catalogPath: string;
  store: StoreConfig;
  /** Days the audit log keeps a record (`CHATOPS_AUDIT_DAYS`). */
  auditDays: number;
  publicUrl?: string;
  port: number;
  host: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  emulatorTaskMs: number;
  /** Commands per person per minute; 0 = unlimited. */
  rateLimitPerMinute: number;
  /** Tenants (lower case) whose activities the bot serves; empty = any (local mode only). */
  allowedTenants: string[];
  /** Run poller tuning; absent = its defaults. */
  poll: { intervalMs?: number; leaseMs?: number };
  /** How often the outbox retries what the channel refused; absent = 15 s. */
  outboxIntervalMs?: number;
  /** Names and values of every configured secret, so logs and tests can check none leaks. */
  secrets: string[];
}

/** An invalid configuration: the message names the variable and what is allowed. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

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
  const secrets = [
    e.MicrosoftAppPassword,
    e.CHATOPS_OBO_CLIENT_SECRET,
    e.ADO_PAT,
    e.ADO_WEBHOOK_SECRET,
    e.AZURE_STORAGE_CONNECTION_STRING,
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
    secrets,
  };
}

/**
 * The tenant boundary: `CHATOPS_ALLOWED_TENANTS`, else the bot's own tenant. A multi-tenant app
 * can be added by any Teams organization, so outside local mode it must name who it serves.
 */
function allowedTenantsFrom(e: z.infer<typeof envSchema>): string[] {
  const tenants =
    e.CHATOPS_ALLOWED_TENANTS ??
    (e.MicrosoftAppTenantId ? [e.MicrosoftAppTenantId.toLowerCase()] : []);
  const multiTenant = (e.MicrosoftAppType ?? 'MultiTenant') === 'MultiTenant';
  if (tenants.length === 0 && e.MicrosoftAppId && multiTenant && e.ADO_ORG_URL) {
    throw new ConfigError(
      'invalid configuration:\n  CHATOPS_ALLOWED_TENANTS: required with a MultiTenant MicrosoftAppId outside local mode ' +
        '(any Teams organization could otherwise use the bot); set it to your Entra tenant id(s), comma-separated, ' +
        'or set MicrosoftAppTenantId',
    );
  }
  return tenants;
}

/**
 * The sign-in connection and the on-behalf-of app, when `CHATOPS_OAUTH_CONNECTION` is set. The
 * token service only serves an authenticated bot, and the exchange needs a tenant and a secret.
 */
function userAuthFrom(e: z.infer<typeof envSchema>): UserAuthConfig | undefined {
  if (!e.CHATOPS_OAUTH_CONNECTION) return undefined;
  const missing = (name: string, why: string) =>
    new ConfigError(`invalid configuration:\n  ${name}: ${why}`);
  if (!e.MicrosoftAppId) {
    throw missing(
      'MicrosoftAppId',
      'required with CHATOPS_OAUTH_CONNECTION (the Bot Framework token service serves registered bots only)',
    );
  }
  const clientId = e.CHATOPS_OBO_CLIENT_ID ?? e.MicrosoftAppId;
  const clientSecret = e.CHATOPS_OBO_CLIENT_SECRET ?? e.MicrosoftAppPassword;
  const tenantId = e.CHATOPS_OBO_TENANT_ID ?? e.MicrosoftAppTenantId;
  if (!clientSecret) {
    throw missing(
      'CHATOPS_OBO_CLIENT_SECRET',
      'required with CHATOPS_OAUTH_CONNECTION when MicrosoftAppPassword is not set',
    );
  }
  if (!tenantId) {
    throw missing(
      'MicrosoftAppTenantId',
      'required with CHATOPS_OAUTH_CONNECTION (or CHATOPS_OBO_TENANT_ID): the on-behalf-of exchange happens in your tenant',
    );
  }
  return {
    connectionName: e.CHATOPS_OAUTH_CONNECTION,
    obo: {
      tenantId,
      clientId,
      clientSecret,
      authorityHost: e.CHATOPS_ENTRA_AUTHORITY_HOST,
      disableInstanceDiscovery: Boolean(e.CHATOPS_ENTRA_AUTHORITY_HOST),
    },
  };
}
