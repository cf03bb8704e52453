import type { AccessToken, TokenCredential } from '@azure/identity';
import type { Clock } from '../clock/clock';

import { AZURE_DEVOPS_SCOPE } from './ado-scope';

/** Refresh this long before the token expires, so no request carries a dying token. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * Keeps a bearer token fresh by mutating the one handler object every node-api client shares
 * (`BearerCredentialHandler.token` is read per request), so no client has to be rebuilt.
 * Concurrent callers share one in-flight refresh.
 * @example
 *   const r = new TokenRefresher(new DefaultAzureCredential(), handler, systemClock);
 *   await r.ensureFresh(); // before each call
 */
export class TokenRefresher {
  private expiresOn = 0;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly target: { token: string },
    private readonly clock: Clock,
    private readonly scope: string = AZURE_DEVOPS_SCOPE,
  ) {}

  /** Gets a token when none is held or it expires within five minutes. */
  async ensureFresh(): Promise<void> {
    if (this.expiresOn - REFRESH_MARGIN_MS > this.clock.now()) return;
    await this.refresh();
  }

  /** Gets a new token now (e.g. after a 401). */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetch(): Promise<void> {
    let token: AccessToken | null;
    try {
      token = await this.credential.getToken(this.scope);
    } catch (err) {
      // Identity errors can be long and name the tenant; keep the gist, never a secret.
      const reason = err instanceof Error ? err.name : 'unknown error';
      throw Object.assign(
        new Error(`could not get an Entra ID token for Azure DevOps (${reason})`),
        {
          statusCode: 401,
        },
      );
    }
    if (!token) {
      throw Object.assign(new Error('the Entra ID credential returned no token'), {
        statusCode: 401,
      });
    }
    this.target.token = token.token;
    this.expiresOn = token.expiresOnTimestamp;
  }
}
