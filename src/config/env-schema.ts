import { z } from 'zod';
import { DEFAULT_AUDIT_DAYS } from '../store/audit-retention';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The environment variables the bot reads, with the names each ecosystem already uses. */
export const envSchema = z.object({
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
  /** Slack app's bot token (OAuth & Permissions page); Slack is on only with the signing secret too. */
  SLACK_BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^xoxb-[A-Za-z0-9-]+$/, {
      message: "must be the Slack app's bot token (xoxb-…, OAuth & Permissions page)",
    })
    .optional(),
  /** Verifies that requests on /slack/events come from Slack (Basic Information page). */
  SLACK_SIGNING_SECRET: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{32,64}$/i, {
      message:
        "must be the Slack app's Signing Secret (32 hexadecimal characters, Basic Information page)",
    })
    .optional(),
  /** Slack Web API base (tests and local trials point it at a fake); default https://slack.com/api/. */
  SLACK_API_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL ending with /api/' })
    .refine((u) => u.endsWith('/api/'), {
      message: 'must end with /api/ (e.g. https://slack.com/api/)',
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
/** The validated environment, before it becomes an {@link AppConfig}. */
export type Env = z.infer<typeof envSchema>;

export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);
