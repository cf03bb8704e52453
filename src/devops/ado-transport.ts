import type { TokenCredential } from '@azure/identity';
import { WebApi, getPersonalAccessTokenHandler } from 'azure-devops-node-api/WebApi';
import { AdoRestClient } from 'azure-devops-node-api/AdoHttpClientBases';
import { BearerCredentialHandler } from 'azure-devops-node-api/handlers/bearertoken';
import type { IBuildApi } from 'azure-devops-node-api/BuildApi';
import type { IPipelinesApi } from 'azure-devops-node-api/PipelinesApi';
import { systemClock, type Clock } from '../clock/clock';
import { classifyError, type ClassifiedError } from './classify-error';
import type { ActAs } from './devops-port';
import { rateLimitOf, slowDownMs, type RateLimitInfo } from './rate-limit';
export { rateLimitOfResponse } from './rate-limit';
import { withRetry, type RetryOptions } from './retry-policy';
import { TokenRefresher } from './token-refresher';
import { withTimeout } from './with-timeout';
import type { RestClient } from 'typed-rest-client/RestClient';

/** Minimal structured logger (pino-compatible). */
export interface DevOpsLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface AdoTransportOptions {
  orgUrl: string;
  auth: { pat: string } | { credential: TokenCredential };
  timeoutMs?: number;
  retry?: RetryOptions;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: DevOpsLogger;
}

const silentLogger: DevOpsLogger = { warn: () => undefined, debug: () => undefined };
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * How the adapter talks: ONE `WebApi` (location discovery happens once), its Build and
 * Pipelines clients, a bearer token kept fresh in the shared handler, a deadline on every call,
 * retries, and self-pacing when the rate-limit budget runs low.
 * @example
 *   const t = new AdoTransport({ orgUrl, auth: { pat } });
 *   const build = await t.retrying('getRun', () => t.call('getBuild', async () => (await t.builds()).getBuild(p, 1)));
 */
export class AdoTransport {
  readonly webApi: WebApi;
  readonly logger: DevOpsLogger;
  private readonly refresher: TokenRefresher | undefined;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private buildApi: Promise<IBuildApi> | undefined;
  private pipelinesApi: Promise<IPipelinesApi> | undefined;

  constructor(private readonly opts: AdoTransportOptions) {
    // Above the service's own throttling delays (up to 30 s), so a delayed answer still lands.
    this.timeoutMs = opts.timeoutMs ?? 35_000;
    this.sleep = opts.sleep ?? realSleep;
    this.logger = opts.logger ?? silentLogger;
    let handler;
    if ('pat' in opts.auth) {
      handler = getPersonalAccessTokenHandler(opts.auth.pat);
    } else {
      const bearer = new BearerCredentialHandler('', false);
      this.refresher = new TokenRefresher(opts.auth.credential, bearer, opts.clock ?? systemClock);
      handler = bearer;
    }
    // keepAlive: without it typed-rest-client makes a new Agent, so a new TCP (and TLS)
    // connection, for every request. Idle sockets are unref'd and do not hold the process open.
    this.webApi = new WebApi(opts.orgUrl.replace(/\/+$/, ''), handler, {
      socketTimeout: this.timeoutMs,
      keepAlive: true,
    });
    refuseSignInPages(this.webApi.rest);
  }

  builds(): Promise<IBuildApi> {
    this.buildApi ??= this.webApi.getBuildApi().then(withoutSignInPages, async (err: unknown) => {
      this.buildApi = undefined; // don't cache a failed discovery
      throw await this.explainDiscovery(err);
    });
    return this.buildApi;
  }

  pipelines(): Promise<IPipelinesApi> {
    this.pipelinesApi ??= this.webApi
      .getPipelinesApi()
      .then(withoutSignInPages, async (err: unknown) => {
        this.pipelinesApi = undefined;
        throw await this.explainDiscovery(err);
      });
    return this.pipelinesApi;
  }

  /**
   * Location discovery found no JSON ("Failed to find api location"): when the organization
   * answers connectionData with a sign-in page or anything but JSON, say so instead.
   */
  private async explainDiscovery(err: unknown): Promise<unknown> {
    if (!/Failed to find api location/i.test(String((err as Error)?.message))) return err;
    const probe = await this.webApi.rest
      .get<unknown>(`${this.opts.orgUrl.replace(/\/+$/, '')}/_apis/connectionData`)
      .then(
        (res) => (res.result === null ? signInError('discovery') : undefined),
        (e: unknown) => (isSignInError(e) ? e : undefined),
      );
    return probe ?? err;
  }

  /** The bot's raw REST client, or one carrying a user's own token (on-behalf-of). */
  rest(actAs?: ActAs): RestClient {
    if (!actAs) return this.webApi.rest;
    return refuseSignInPages(
      new AdoRestClient(
        'digitre-chatops',
        undefined,
        [new BearerCredentialHandler(actAs.bearerToken, false)],
        { socketTimeout: this.timeoutMs },
      ),
    );
  }

  /** `withRetry` with this adapter's options, logging each retry. */
  retrying<T>(
    what: string,
    op: (attempt: number, previous?: ClassifiedError) => Promise<T>,
  ): Promise<T> {
    return withRetry(op, this.opts.retry ?? {}, {
      sleep: this.sleep,
      random: this.opts.random,
      onRetry: ({ attempt, delayMs, failure }) =>
        this.logger.warn(
          { op: what, attempt, delayMs, code: failure.error.code, status: failure.status },
          `Azure DevOps ${what} failed (${failure.error.message}); retrying`,
        ),
    });
  }

  /**
   * One HTTP call: fresh token, deadline, self-pacing when the rate-limit budget runs low, and a
   * single token refresh + retry on 401 when using Entra ID.
   */
  async call<T>(
    what: string,
    fn: () => Promise<T>,
    rateLimit: (result: T) => RateLimitInfo | undefined = rateLimitOf,
  ): Promise<T> {
    for (let refreshed = false; ; refreshed = true) {
      await this.refresher?.ensureFresh();
      try {
        const result = await withTimeout(fn(), this.timeoutMs, what);
        if (isSignInPage(result)) throw signInError(what);
        const pace = slowDownMs(rateLimit(result));
        if (pace > 0) {
          this.logger.debug({ op: what, pace }, 'Azure DevOps rate-limit budget low; slowing down');
          await this.sleep(pace);
        }
        return result;
      } catch (err) {
        if (this.refresher && !refreshed && classifyError(err).status === 401) {
          this.logger.debug({ op: what }, 'Azure DevOps answered 401; refreshing the token once');
          await this.refresher.refresh();
          continue;
        }
        throw err;
      }
    }
  }
}

/**
 * What the service says to a bad or expired credential when the client did not ask for a 401:
 * 203 and its HTML sign-in page (typed-rest-client resolves it with `result: null`). Never a
 * "not found".
 */
export const SIGN_IN_MESSAGE =
  'Azure DevOps answered with its sign-in page instead of data: the PAT or token is wrong, expired, or has no access to this organization. Create a new PAT (Build: Read & execute, Pipeline Resources: Use, Service Hooks: Read & write) and set ADO_PAT, then run npm run doctor.';

function isSignInPage(result: unknown): boolean {
  return (
    typeof result === 'object' &&
    result !== null &&
    (result as { statusCode?: unknown }).statusCode === 203
  );
}

/** A 401-shaped error, so classification and the Entra ID refresh treat it as one. */
export function signInError(what: string): Error {
  return Object.assign(new Error(`${what}: ${SIGN_IN_MESSAGE}`), { statusCode: 401 });
}

function isSignInError(err: unknown): err is Error {
  return err instanceof Error && err.message.endsWith(SIGN_IN_MESSAGE);
}

/** The part of typed-rest-client's RestClient every verb funnels through (protected there). */
interface ProcessesResponses {
  processResponse(
    res: { message: { statusCode?: number; method?: string; url?: string } },
    options: unknown,
  ): Promise<{ statusCode: number }>;
}

/**
 * Makes one RestClient (the bot's, a person's, or a node-api client's own) answer a 203 sign-in
 * page with an authentication error that says how to fix it. typed-rest-client resolves a 203
 * HTML page as `result: null`, which the Build API would hand us as "no such run". Per
 * instance, never a global patch: only clients this transport made are affected.
 */
export function refuseSignInPages<R extends RestClient>(rest: R): R {
  const r = rest as unknown as ProcessesResponses;
  const process = r.processResponse.bind(rest);
  r.processResponse = async (res, options) => {
    const out = await process(res, options);
    if (out.statusCode === 203) throw signInError(`${res.message.method ?? 'request'}`.trim());
    return out;
  };
  return rest;
}

function withoutSignInPages<A extends { rest: RestClient }>(api: A): A {
  refuseSignInPages(api.rest);
  return api;
}
