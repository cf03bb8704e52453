/**
 * The HTTP front door: request log, faults, organization prefix, routing, auth, api-version,
 * JSON bodies, error envelopes and rate-limit headers. Node's `http` only: framework
 * auto-OPTIONS answers would break the client's location discovery.
 */
import http from 'node:http';
import type { Clock } from '../clock/clock';
import { authenticate, type BearerValidator } from './authenticate';
import type { FaultInjector, FaultRule } from './fault-injector';
import { AdoHttpError, errorEnvelope, type Reply } from './http-reply';
import { randomGuid } from './ids';
import type { RequestLog } from './request-log';
import type { Router } from './router';
import { requiredScope, scopeGranted } from './pat-scopes';
import { signInPage } from './sign-in-page';
import { checkApiVersion } from './check-api-version';

export interface ListenerDeps {
  router: Router;
  organization: string;
  pat: string;
  /** Scopes the PAT carries; undefined is a full-access PAT. */
  patScopes?: readonly string[];
  bearer: BearerValidator;
  faults: FaultInjector;
  requestLog: RequestLog;
  clock: Clock;
  /** Largest accepted body. */
  maxBodyBytes?: number;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

function faultReply(f: FaultRule, clock: Clock): Reply {
  const status = f.status ?? 500;
  const headers: Record<string, string> = {};
  if (f.retryAfterSeconds !== undefined)
    headers['Retry-After'] = String(Math.ceil(f.retryAfterSeconds));
  if (status === 429) {
    const retry = Math.ceil(f.retryAfterSeconds ?? 1);
    Object.assign(headers, {
      'Retry-After': String(retry),
      'X-RateLimit-Resource': 'ATCPU',
      'X-RateLimit-Limit': '200',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(Math.ceil(clock.now() / 1000) + retry),
    });
    return {
      status,
      headers,
      json: errorEnvelope(
        'RequestBlockedException',
        `TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'ATCPU' in namespace 'User'.`,
        'server',
      ),
    };
  }
  const reason = http.STATUS_CODES[status] ?? 'Error';
  const typeKey =
    status === 503
      ? 'ServiceUnavailableException'
      : status >= 500
        ? 'InternalServerErrorException'
        : 'InjectedFaultException';
  return {
    status,
    headers,
    json: errorEnvelope(
      typeKey,
      `${status} ${reason}: the service could not process the request. Try again later.`,
      'server',
    ),
  };
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        resolve('tooLarge');
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function apiVersionOf(accept: string, query: URLSearchParams): string | undefined {
  const m = /api-version=([^;,\s]+)/i.exec(accept);
  return m?.[1] ?? query.get('api-version') ?? undefined;
}

function write(
  res: http.ServerResponse,
  reply: Reply,
  apiVersion: string | undefined,
  extra: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const status = reply.status ?? 200;
  const headers: Record<string, string | string[]> = {
    ActivityId: randomGuid(),
    'X-Content-Type-Options': 'nosniff',
    ...extra,
    ...reply.headers,
  };
  let body: Buffer | undefined;
  if (status !== 204) {
    if (reply.html !== undefined) {
      headers['Content-Type'] = 'text/html; charset=utf-8';
      body = Buffer.from(reply.html, 'utf8');
    } else if (reply.text !== undefined) {
      headers['Content-Type'] = 'text/plain; charset=utf-8';
      body = Buffer.from(reply.text, 'utf8');
    } else if (reply.json !== undefined) {
      headers['Content-Type'] =
        `application/json; charset=utf-8${apiVersion ? `; api-version=${apiVersion}` : ''}`;
      body = Buffer.from(JSON.stringify(reply.json), 'utf8');
    }
  }
  if (body) headers['Content-Length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * @example http.createServer(createRequestListener({ router, organization: 'digitre', pat, ... }))
 */
export function createRequestListener(deps: ListenerDeps): http.RequestListener {
  const max = deps.maxBodyBytes ?? 4 * 1024 * 1024;
  return (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const at = new Date(deps.clock.now()).toISOString();
    res.on('close', () =>
      deps.requestLog.record({
        method,
        path: rawUrl,
        status: res.headersSent ? res.statusCode : 0,
        at,
        userAgent: String(req.headers['user-agent'] ?? ''),
      }),
    );
    handle(deps, max, req, res, method, rawUrl).catch((err: unknown) => {
      write(
        res,
        {
          status: 500,
          json: errorEnvelope(
            'InternalServerErrorException',
            `Internal error: ${(err as Error).message}`,
            'server',
          ),
        },
        undefined,
        {},
      );
    });
  };
}

async function handle(
  deps: ListenerDeps,
  max: number,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  method: string,
  rawUrl: string,
): Promise<void> {
  const fault = deps.faults.match(method, rawUrl);
  if (fault && !fault.afterResponse) {
    if (fault.latencyMs) await sleep(fault.latencyMs);
    if (fault.drop) {
      req.socket.destroy();
      return;
    }
    if (fault.status) {
      req.resume();
      write(res, faultReply(fault, deps.clock), undefined, {});
      return;
    }
  }
  const url = new URL(rawUrl, 'http://emulator.local');
  const accept = String(req.headers.accept ?? '');
  const apiVersion = apiVersionOf(accept, url.searchParams);
  const reply = await route(deps, max, req, method, url, accept, apiVersion);
  const extra: Record<string, string> = {};
  const rate = deps.faults.rateLimitMode();
  if (rate && (reply.status ?? 200) < 400) {
    extra['X-RateLimit-Resource'] = rate.resource ?? 'ATCPU';
    extra['X-RateLimit-Limit'] = String(rate.limit ?? 200);
    extra['X-RateLimit-Remaining'] = String(rate.remaining);
    extra['X-RateLimit-Reset'] = String(
      Math.ceil(deps.clock.now() / 1000) + (rate.resetSeconds ?? 300),
    );
    if (rate.retryAfterSeconds !== undefined) {
      extra['Retry-After'] = String(rate.retryAfterSeconds);
      extra['X-RateLimit-Delay'] = String(rate.retryAfterSeconds);
    }
  }
  if (fault?.afterResponse) {
    // The work is done (e.g. the run is queued); now the caller never hears about it.
    if (fault.latencyMs) await sleep(fault.latencyMs);
    if (fault.drop) {
      req.socket.destroy();
      return;
    }
    if (fault.status) {
      write(res, faultReply(fault, deps.clock), apiVersion, {});
      return;
    }
  }
  write(res, reply, apiVersion, extra);
}

async function route(
  deps: ListenerDeps,
  max: number,
  req: http.IncomingMessage,
  method: string,
  url: URL,
  accept: string,
  apiVersion: string | undefined,
): Promise<Reply> {
  try {
    const raw = await readBody(req, max);
    if (raw === 'tooLarge')
      throw new AdoHttpError(
        413,
        'RequestContentTooLargeException',
        `The request body is larger than ${max} bytes.`,
      );
    const segments = url.pathname.split('/').filter((s) => s.length > 0);
    let org = '';
    try {
      org = decodeURIComponent(segments[0] ?? '');
    } catch {
      org = '';
    }
    if (org.toLowerCase() !== deps.organization.toLowerCase()) {
      throw new AdoHttpError(
        404,
        'AccountNotFoundException',
        `TF400898: The organization '${org}' was not found. This emulator serves '${deps.organization}'.`,
        'server',
      );
    }
    const match = deps.router.match(method, segments.slice(1));
    if (match.kind === 'none') {
      throw new AdoHttpError(
        404,
        'ResourceNotFoundException',
        `The resource '${url.pathname}' was not found.`,
        'server',
      );
    }
    if (match.kind === 'method') {
      throw new AdoHttpError(
        405,
        'MethodNotAllowedException',
        `The HTTP method '${method}' is not supported by '${url.pathname}'. Allowed: ${match.allowed.join(', ')}.`,
        'server',
        {
          Allow: match.allowed.join(', '),
        },
      );
    }
    const identity = match.anonymous
      ? undefined
      : authenticate(req.headers.authorization, deps.pat, deps.bearer);
    if (!match.anonymous && !identity) {
      const suppress = String(req.headers['x-tfs-fedauthredirect'] ?? '').toLowerCase();
      if (suppress !== 'suppress') return signInPage();
      throw new AdoHttpError(
        401,
        'UnauthorizedRequestException',
        `TF400813: The user '' is not authorized to access this resource.`,
        'server',
        {
          'WWW-Authenticate': [
            'Bearer authorization_uri=https://login.microsoftonline.com/common, Basic realm="https://dev.azure.com/"',
          ],
          'X-TFS-ProcessId': randomGuid(),
        },
      );
    }
    const scope = requiredScope(method, `/${segments.slice(1).join('/')}`);
    const viaPat = /^basic\s/i.test(String(req.headers.authorization ?? ''));
    if (identity && viaPat && scope && !scopeGranted(deps.patScopes, scope)) {
      // The service names no scope; the token simply is not authorized for this call.
      throw new AdoHttpError(
        401,
        'UnauthorizedRequestException',
        `TF400813: The user '${identity.id}' is not authorized to access this resource.`,
        'server',
      );
    }
    if (apiVersion) checkApiVersion(apiVersion, url.pathname);
    if (BODY_METHODS.has(method) && !apiVersion) {
      throw new AdoHttpError(
        400,
        'VssVersionNotSpecifiedException',
        `No api-version was supplied for the "${method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").`,
      );
    }
    let body: unknown;
    const text = raw.toString('utf8').replace(/^\uFEFF/, '');
    if (BODY_METHODS.has(method) && text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch (err) {
        throw new AdoHttpError(
          400,
          'VssRequestContentException',
          `The request body is not valid JSON: ${(err as Error).message}`,
        );
      }
    }
    const media = (accept.split(/[;,]/)[0] ?? '').trim().toLowerCase();
    return await match.handler({
      method,
      params: match.params,
      query: url.searchParams,
      body,
      identity: identity ?? undefined,
      accept: media.includes('=') ? '' : media,
      apiVersion,
    });
  } catch (err) {
    if (err instanceof AdoHttpError) return err.toReply();
    return {
      status: 500,
      json: errorEnvelope(
        'InternalServerErrorException',
        `Internal error: ${(err as Error).message}`,
        'server',
      ),
    };
  }
}
