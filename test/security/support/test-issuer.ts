import {
  createHmac,
  createPrivateKey,
  generateKeyPairSync,
  sign,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestIssuer {
  /** The `iss` this issuer signs with (what `ToBotFromChannelTokenIssuer` names). */
  issuer: string;
  /** `/.well-known/openid-configuration` (what `ToBotFromChannelOpenIdMetadataUrl` names). */
  metadataUrl: string;
  kid: string;
  /**
   * Signs `claims` (RS256 by default) with the key published under `kid`, or with `key` (an
   * attacker's) under that kid. `alg: 'HS256'` uses `hmacSecret`; `alg: 'none'` signs nothing.
   */
  sign(
    claims: Record<string, unknown>,
    opts?: { key?: KeyObject; kid?: string; alg?: 'RS256' | 'HS256' | 'none'; hmacSecret?: Buffer },
  ): string;
  /** A fresh RSA key the issuer does not publish. */
  rogueKey(): KeyObject;
  /** The published public key of `kid` as PEM (for algorithm-confusion attempts). */
  publicPem(): string;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  close(): Promise<void>;
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * A local OpenID issuer shaped like the Bot Framework's (login.botframework.com): metadata
 * document, JWKS with per-key channel `endorsements`, RS256 tokens. botbuilder reaches it through
 * its own configuration, so tests exercise botbuilder's real validation offline. (Keys come from
 * node:crypto: `jose` 6 is ESM-only and this jest setup loads CommonJS.)
 * @example const iss = await startTestIssuer({ endorsements: ['msteams'] });
 */
export async function startTestIssuer(
  opts: { endorsements?: string[]; extraKeys?: { kid: string; endorsements: string[] }[] } = {},
): Promise<TestIssuer> {
  const kid = 'test-key-1';
  const keys = new Map<string, { priv: KeyObject; pub: KeyObject; jwk: JsonWebKey }>();
  const make = (id: string, endorsements: string[]) => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: id, use: 'sig', endorsements };
    keys.set(id, { priv: privateKey, pub: publicKey, jwk });
  };
  make(kid, opts.endorsements ?? ['msteams']);
  for (const k of opts.extraKeys ?? []) make(k.kid, k.endorsements);
  let fetches = 0;
  let base = '';
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      send(200, {
        issuer: `${base}/issuer`,
        jwks_uri: `${base}/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    } else if (req.url === '/keys') {
      fetches++;
      send(200, { keys: [...keys.values()].map((k) => k.jwk) });
    } else send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer: `${base}/issuer`,
    metadataUrl: `${base}/.well-known/openid-configuration`,
    kid,
    sign(claims, o = {}) {
      const alg = o.alg ?? 'RS256';
      const useKid = o.kid ?? kid;
      const input = `${b64url({ alg, kid: useKid, typ: 'JWT' })}.${b64url(claims)}`;
      if (alg === 'none') return `${input}.`;
      if (alg === 'HS256') {
        return `${input}.${createHmac('sha256', o.hmacSecret!).update(input).digest('base64url')}`;
      }
      const key = o.key ?? keys.get(useKid)?.priv ?? keys.get(kid)!.priv;
      return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
    },
    rogueKey: () =>
      createPrivateKey(
        generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
          format: 'pem',
          type: 'pkcs8',
        }),
      ),
    publicPem: () => keys.get(kid)!.pub.export({ format: 'pem', type: 'spki' }).toString(),
    jwksFetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
