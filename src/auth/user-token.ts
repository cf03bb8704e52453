import { createHash } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { Clock } from '../clock/clock';
import { AZURE_DEVOPS_SCOPE } from '../devops/ado-scope';
import type { ActAs } from '../devops/devops-port';
import { CodedError } from '../errors/coded-error';

export type UserTokenErrorCode =
  /** The person must (re)consent or sign in again (AADSTS65001, interaction_required, …). */
  | 'consentRequired'
  /** The user's token is expired, for another app, or malformed. */
  | 'invalidAssertion'
  /** Entra ID could not be reached or failed; try again. */
  | 'unavailable';

/** Why acting as the person failed; `message` is safe to show (no tokens, no secrets). */
export class UserTokenError extends CodedError<UserTokenErrorCode> {}

/**
 * The person has not signed in (no token at the Bot Framework token service for this connection):
 * the bot answers with a sign-in card and runs the command once they have. Never shown as text.
 */
export class SignInRequiredError extends CodedError<'signInRequired'> {
  constructor(message = 'Sign in so I can act as you in Azure DevOps.') {
    super('signInRequired', message);
  }
}

/**
 * The person's own Azure DevOps identity for this turn, fetched only when called (a token-service
 * round trip and an on-behalf-of exchange). Throws SignInRequiredError or UserTokenError; never
 * falls back to the bot's identity.
 * @example const actAs = await ctx.actAsPerson?.(); await devops.decideApproval(id, 'approved', c, actAs);
 */
export type ActAsPerson = () => Promise<ActAs>;

export interface UserTokenExchangeOptions {
  /** The bot's Entra app registration (the Teams SSO app): tenant, client id, client secret. */
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Default https://login.microsoftonline.com; must be https (@azure/identity refuses http). */
  authorityHost?: string;
  /** Skip Microsoft's instance discovery (private clouds, offline tests). Default false. */
  disableInstanceDiscovery?: boolean;
  /** Default AZURE_DEVOPS_SCOPE. */
  scope?: string;
  /** For the cache's expiry checks; default Date.now. */
  clock?: Clock;
  /** Builds the credential; default `@azure/identity`'s OnBehalfOfCredential. */
  credentialFor?(userAssertion: string): TokenCredential | Promise<TokenCredential>;
}

/** Refresh a cached user token this long before it expires. */
const EXPIRY_MARGIN_MS = 2 * 60 * 1000;
/** At most this many people's tokens are cached (each entry is one person's token). */
const CACHE_LIMIT = 500;

/**
 * Acting as the person: exchanges the user's token for the bot (Teams SSO, or the Bot Framework
 * token service's) on-behalf-of for an Azure DevOps token, so approvals and runs are recorded in
 * Azure DevOps under the person's own name and permissions, not the bot's.
 * @example
 *   const exchanger = new UserTokenExchanger({ tenantId, clientId, clientSecret });
 *   const actAs = await exchanger.actAs(ssoToken);
 *   await devops.decideApproval(approvalId, 'approved', comment, actAs);
 */
export class UserTokenExchanger {
  /** Keyed by a hash of the user's assertion: never the token itself. */
  private readonly cache = new Map<string, AccessToken>();
  private readonly scope: string;
  private readonly now: () => number;

  constructor(private readonly opts: UserTokenExchangeOptions) {
    if (opts.authorityHost && !opts.authorityHost.startsWith('https://')) {
      throw new RangeError('UserTokenExchanger: authorityHost must be an https URL');
    }
    this.scope = opts.scope ?? AZURE_DEVOPS_SCOPE;
    this.now = opts.clock ? () => opts.clock!.now() : () => Date.now();
  }

  /** The person's Azure DevOps identity for one call, from their token for the bot. */
  async actAs(userAssertion: string): Promise<ActAs> {
    if (!userAssertion || userAssertion.split('.').length !== 3) {
      throw new UserTokenError(
        'invalidAssertion',
        'Your sign-in token is not valid; sign in again.',
      );
    }
    const key = createHash('sha256').update(userAssertion).digest('base64url');
    const cached = this.cache.get(key);
    if (cached && cached.expiresOnTimestamp - EXPIRY_MARGIN_MS > this.now()) {
      return { bearerToken: cached.token };
    }
    let token: AccessToken | null;
    try {
      const credential = await (this.opts.credentialFor ?? this.defaultCredential.bind(this))(
        userAssertion,
      );
      token = await credential.getToken(this.scope);
    } catch (err) {
      throw classify(err);
    }
    if (!token?.token) {
      throw new UserTokenError('unavailable', 'Entra ID returned no token; try again.');
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, token);
    return { bearerToken: token.token };
  }

  private async defaultCredential(userAssertion: string): Promise<TokenCredential> {
    const { OnBehalfOfCredential } = await import('@azure/identity');
    // disableInstanceDiscovery reaches MSAL (the options are passed through) but is missing from
    // OnBehalfOfCredential's option types; a variable avoids the literal's excess-property check.
    const options = {
      tenantId: this.opts.tenantId,
      clientId: this.opts.clientId,
      clientSecret: this.opts.clientSecret,
      userAssertionToken: userAssertion,
      authorityHost: this.opts.authorityHost,
      disableInstanceDiscovery: this.opts.disableInstanceDiscovery,
    };
    return new OnBehalfOfCredential(options);
  }
}

/** Entra's answer → a code the bot can explain. Never copies the error text (it can echo input). */
function classify(err: unknown): UserTokenError {
  const text = err instanceof Error ? `${err.name} ${err.message}` : String(err);
  if (/AADSTS65001|consent_required|interaction_required|AADSTS50076|AADSTS50079/i.test(text)) {
    return new UserTokenError(
      'consentRequired',
      'Azure DevOps needs your consent (or a fresh sign-in) before I can act as you.',
    );
  }
  if (/invalid_grant|AADSTS50013|AADSTS500133|AADSTS700024|invalid_request/i.test(text)) {
    return new UserTokenError(
      'invalidAssertion',
      'Your sign-in has expired or is not for this app; sign in again.',
    );
  }
  return new UserTokenError(
    'unavailable',
    'I could not get an Azure DevOps token for you right now; try again in a minute.',
  );
}
