import {
  CallerIdConstants,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import {
  AuthenticationConstants,
  AuthenticationError,
  SkillValidation,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';
import type { BotEndpoints } from '../config/load-config';

/** The `bot` part of the app configuration. */
export interface BotAuthSettings {
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  appType?: string;
  openIdMetadata?: string;
  endpoints?: BotEndpoints;
}

/** The Bot Framework's own tenant: its emulator and skill tokens carry it as `tid`. */
const BOT_FRAMEWORK_TENANTS = [
  'd6d49420-f39b-4df7-a1dc-d59a935871db',
  'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
];

/** jsonwebtoken's failures: a bad signature, algorithm, audience, `nbf` or expiry. */
const JWT_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

const UNAUTHORIZED = 401;

/** The one channel this bot serves; its tenant and identity checks read Teams' channelData. */
const TEAMS_CHANNEL = 'msteams';

/**
 * botbuilder's options from our configuration. When any endpoint is overridden, botbuilder
 * switches to a fully "parameterized" configuration in which every endpoint left out is
 * *undefined* (so overriding only `BotOpenIdMetadata` rejected every token and broke replies);
 * we fill the public Azure cloud's values for the rest.
 * @example botFrameworkAuthOptions({ appId, appPassword, endpoints: { ToBotFromChannelTokenIssuer: 'https://issuer.test' } })
 */
export function botFrameworkAuthOptions(
  bot: BotAuthSettings,
): ConfigurationBotFrameworkAuthenticationOptions {
  const base: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appPassword,
    MicrosoftAppTenantId: bot.tenantId,
    MicrosoftAppType: bot.appType,
  };
  const e = bot.endpoints ?? {};
  const overridden = Boolean(bot.openIdMetadata) || Object.values(e).some(Boolean);
  if (!overridden) return base;
  return {
    ...base,
    ToBotFromChannelOpenIdMetadataUrl:
      e.ToBotFromChannelOpenIdMetadataUrl ??
      bot.openIdMetadata ??
      AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromChannelTokenIssuer:
      e.ToBotFromChannelTokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
    ToBotFromEmulatorOpenIdMetadataUrl:
      e.ToBotFromEmulatorOpenIdMetadataUrl ??
      AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    ToChannelFromBotLoginUrl:
      e.ToChannelFromBotLoginUrl ?? AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope:
      e.ToChannelFromBotOAuthScope ?? AuthenticationConstants.ToChannelFromBotOAuthScope,
    OAuthUrl: e.OAuthUrl ?? AuthenticationConstants.OAuthUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}

/** The payload of a bearer JWT, unverified (only for cheap pre-checks), or undefined. */
function unverifiedClaims(authHeader: string): Record<string, unknown> | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(authHeader.trim())?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * botbuilder's own validation (signature against the metadata's keys, issuer, audience = app id,
 * expiry, `serviceurl` claim = the activity's serviceUrl, channel endorsements), hardened:
 * - every token failure is a 401. botbuilder rethrows jsonwebtoken's errors (bad signature, wrong
 *   algorithm, not yet valid) as they are, and CloudAdapter answers anything that is not its own
 *   AuthenticationError with 500.
 * - a token whose `tid` is neither our tenant nor the Bot Framework's is refused before botbuilder
 *   sees it: botbuilder's emulator check appends every new `tid` it meets to a process-wide issuer
 *   list, so unauthenticated requests with random tenants grew memory (and each check's cost)
 *   without bound.
 * - only Teams channel tokens: issuer = the channel issuer, no skill claims, an `exp`, channel
 *   `msteams`. botbuilder sends Emulator-issued and skill-shaped tokens down a path that checks
 *   neither the audience nor the `serviceurl` claim and trusts Entra ID's keys, so anyone with the
 *   app password could forge `from` and make the bot post to their serviceUrl; and jsonwebtoken
 *   accepts a token without `exp` forever. The bot serves no skills, so none of those is needed.
 */
export class HardenedBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly tenants: Set<string>;
  private readonly enabled: boolean;
  private readonly channelIssuer: string;

  constructor(bot: BotAuthSettings, credentialsFactory?: ServiceClientCredentialsFactory) {
    super(botFrameworkAuthOptions(bot), credentialsFactory);
    // No app id = botbuilder's unauthenticated local mode: nothing to check.
    this.enabled = Boolean(bot.appId);
    this.channelIssuer =
      bot.endpoints?.ToBotFromChannelTokenIssuer ??
      AuthenticationConstants.ToBotFromChannelTokenIssuer;
    this.tenants = new Set(
      [...BOT_FRAMEWORK_TENANTS, bot.tenantId].filter((t): t is string => Boolean(t)),
    );
  }

  override async authenticateRequest(
    activity: Activity,
    authHeader: string,
  ): Promise<AuthenticateRequestResult> {
    this.precheck(authHeader, activity?.channelId ?? '');
    return super.authenticateRequest(activity, authHeader).catch(asAuthenticationError);
  }

  override async authenticateStreamingRequest(
    authHeader: string,
    channelIdHeader: string,
  ): Promise<AuthenticateRequestResult> {
    this.precheck(authHeader, channelIdHeader ?? '');
    return super
      .authenticateStreamingRequest(authHeader, channelIdHeader)
      .catch(asAuthenticationError);
  }

  override async authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    this.precheck(authHeader);
    return super.authenticateChannelRequest(authHeader).catch(asAuthenticationError);
  }

  /**
   * Refusals decided from the unverified claims (refusing never needs a verified token);
   * botbuilder then verifies what is left. `channelId` undefined = no activity to check.
   */
  private precheck(authHeader: string, channelId?: string): void {
    if (!this.enabled) return;
    const claims = unverifiedClaims(authHeader ?? '');
    // No readable token: botbuilder's own refusal (401) says it best.
    if (!claims) return;
    const refuse = (why: string) => {
      throw new AuthenticationError(`Unauthorized. ${why}`, UNAUTHORIZED);
    };
    const { tid, iss, exp } = claims;
    if (tid !== undefined && (typeof tid !== 'string' || !this.tenants.has(tid))) {
      refuse('Unexpected tenant.');
    }
    const asClaims = Object.entries(claims).map(([type, value]) => ({
      type,
      value: String(value),
    }));
    if (iss !== this.channelIssuer || SkillValidation.isSkillClaim(asClaims)) {
      refuse('Only Bot Framework channel tokens are accepted (no Emulator or skill tokens).');
    }
    if (typeof exp !== 'number') refuse('The token has no expiry.');
    if (channelId !== undefined && channelId !== TEAMS_CHANNEL) {
      refuse(`Only the Teams channel is served, not "${channelId.slice(0, 40)}".`);
    }
  }
}

function asAuthenticationError(err: unknown): never {
  if (err instanceof Error && JWT_ERRORS.has(err.name)) {
    throw new AuthenticationError(`Unauthorized. ${err.message}`, UNAUTHORIZED);
  }
  throw err;
}

/**
 * The Bot Framework authentication the CloudAdapter uses. With no app id, botbuilder runs
 * unauthenticated (local mode; the config allows that on loopback only). `credentialsFactory` is
 * botbuilder's own extension point for how the bot gets its outgoing token (default: the app
 * password through MSAL); the token service URL (`OAuthUrl`) and every check stay as configured.
 * @example const adapter = new CloudAdapter(createBotFrameworkAuthentication(config.bot));
 */
export function createBotFrameworkAuthentication(
  bot: BotAuthSettings,
  credentialsFactory?: ServiceClientCredentialsFactory,
): HardenedBotFrameworkAuthentication {
  return new HardenedBotFrameworkAuthentication(bot, credentialsFactory);
}
