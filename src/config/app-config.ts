import type { Env } from './env-schema';

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

/** The Slack app the bot answers as (issue 19). */
export interface SlackConfig {
  /** `xoxb-…`: the Web API calls (chat.postMessage, chat.update, users.info…). */
  botToken: string;
  /** Verifies every request on `POST /slack/events`. */
  signingSecret: string;
  /** Web API base ending with `/api/`; absent = Slack's own (https://slack.com/api/). */
  apiUrl?: string;
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
  logLevel: Env['LOG_LEVEL'];
  emulatorTaskMs: number;
  /** Commands per person per minute; 0 = unlimited. */
  rateLimitPerMinute: number;
  /** Tenants (lower case) whose activities the bot serves; empty = any (local mode only). */
  allowedTenants: string[];
  /** Run poller tuning; absent = its defaults. */
  poll: { intervalMs?: number; leaseMs?: number };
  /** How often the outbox retries what the channel refused; absent = 15 s. */
  outboxIntervalMs?: number;
  /** Absent = Slack is off (it needs both `SLACK_BOT_TOKEN` and `SLACK_SIGNING_SECRET`). */
  slack?: SlackConfig;
  /** Names and values of every configured secret, so logs and tests can check none leaks. */
  secrets: string[];
}
