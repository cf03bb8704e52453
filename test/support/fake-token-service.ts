import type { IncomingMessage, ServerResponse } from 'node:http';
import { send } from './send-response';

/** One call the bot made to the Bot Framework token service (`OAuthUrl`). */
export interface TokenServiceCall {
  method: string;
  /** e.g. `/api/usertoken/GetToken`. */
  path: string;
  query: Record<string, string>;
  /** The bot's own credential, as sent (the fake checks it when `botToken` is set). */
  authorization?: string;
  body?: unknown;
}

/**
 * A Bot Framework token service (what botframework-connector's UserTokenClientImpl calls at
 * `OAuthUrl`): `GET api/usertoken/GetToken` (with `code` = magic code), `POST api/usertoken/exchange`
 * (Teams SSO), `GET api/botsignin/GetSignInResource`, `DELETE api/usertoken/SignOut`.
 */
export interface FakeTokenService {
  /** The bearer token the bot must present; unset = not checked. */
  botToken?: string;
  /** Tokens it holds, by `${userId}|${connectionName}` (a signed-in person). */
  tokens: Map<string, string>;
  /** What finishing the sign-in page yields: magic code → the person and their token. */
  magicCodes: Map<string, { userId: string; token: string }>;
  /** Teams SSO token → the person's token for the connection; unknown = refused (consent). */
  exchangeable: Map<string, { userId: string; token: string }>;
  calls: TokenServiceCall[];
  /** Decoded `state` of each GetSignInResource (connection, conversation, bot id). */
  signInStates: Record<string, unknown>[];
}

/** An empty token service: nobody signed in, no magic codes, nothing exchangeable. */
export function newFakeTokenService(): FakeTokenService {
  return {
    tokens: new Map(),
    magicCodes: new Map(),
    exchangeable: new Map(),
    calls: [],
    signInStates: [],
  };
}

/**
 * Answers one request under `/api/` the way the Bot Framework token service does, recording it in
 * `ts.calls`. The fake connector routes its `/api/` requests here (one port serves both).
 */
export function serveTokenService(
  ts: FakeTokenService,
  req: IncomingMessage,
  rawBody: string,
  res: ServerResponse,
): void {
  const url = new URL(req.url ?? '/', 'http://token.test');
  const query = Object.fromEntries(url.searchParams);
  let body: unknown;
  try {
    body = rawBody ? JSON.parse(rawBody) : undefined;
  } catch {
    body = rawBody;
  }
  const authorization = req.headers.authorization;
  ts.calls.push({ method: req.method ?? '', path: url.pathname, query, authorization, body });
  const json = (status: number, value: unknown) =>
    send(res, status, { 'content-type': 'application/json' }, JSON.stringify(value));
  const error = (status: number, message: string) =>
    json(status, { error: { code: String(status), message } });
  if (ts.botToken !== undefined && authorization !== `Bearer ${ts.botToken}`) {
    error(401, 'the bot did not authenticate');
    return;
  }
  const { userId = '', connectionName = '', channelId = '' } = query;
  const tokenResponse = (token: string) => ({
    channelId,
    connectionName,
    token,
    expiration: new Date(Date.now() + 3_600_000).toISOString(),
  });
  switch (`${req.method} ${url.pathname}`) {
    case 'GET /api/usertoken/GetToken': {
      const code = query.code;
      const signIn = code ? ts.magicCodes.get(code) : undefined;
      if (signIn && signIn.userId === userId) {
        // A magic code is good once, like the real service's.
        ts.magicCodes.delete(code!);
        ts.tokens.set(`${userId}|${connectionName}`, signIn.token);
      }
      const token = ts.tokens.get(`${userId}|${connectionName}`);
      if (token) json(200, tokenResponse(token));
      else send(res, 404, {}, '');
      return;
    }
    case 'POST /api/usertoken/exchange': {
      const sso = (body as { token?: unknown } | undefined)?.token;
      const found = typeof sso === 'string' ? ts.exchangeable.get(sso) : undefined;
      if (!found || found.userId !== userId) {
        error(400, 'The token could not be exchanged (consent required).');
        return;
      }
      ts.tokens.set(`${userId}|${connectionName}`, found.token);
      json(200, tokenResponse(found.token));
      return;
    }
    case 'GET /api/botsignin/GetSignInResource': {
      let state: Record<string, unknown> = {};
      try {
        state = JSON.parse(Buffer.from(query.state ?? '', 'base64').toString('utf8')) as Record<
          string,
          unknown
        >;
      } catch {
        /* recorded as empty */
      }
      ts.signInStates.push(state);
      json(200, {
        signInLink: `https://token.botframework.test/api/oauth/signin?signin=${ts.signInStates.length}`,
        tokenExchangeResource: {
          id: `ter-${ts.signInStates.length}`,
          uri: `api://botid-${String(state.msAppId ?? '')}`,
          providerId: 'aad-provider',
        },
      });
      return;
    }
    case 'DELETE /api/usertoken/SignOut':
      ts.tokens.delete(`${userId}|${query.connectionName ?? ''}`);
      json(200, {});
      return;
    default:
      error(404, 'no such token service route');
  }
}
