import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AZURE_DEVOPS_SCOPE } from '../../../src/devops/ado-scope';
import { unsignedJwt } from '../../support/unsigned-jwt';
import type { SelfSignedCert } from './self-signed-cert';

export interface EntraTokenService {
  /** https://127.0.0.1:PORT — what `authorityHost` / CHATOPS_ENTRA_AUTHORITY_HOST names. */
  authorityHost: string;
  /** Every token request's form (grant, assertion, client id and secret, scope). */
  requests: Record<string, string>[];
  /** Every access token it issued (for leak checks). */
  issued: string[];
  close(): Promise<void>;
}

/**
 * A local Entra ID for one tenant over https (self-signed; trust it with NODE_EXTRA_CA_CERTS in a
 * child process): OpenID metadata and the token endpoint, answering on-behalf-of requests from
 * `clientId`/`clientSecret` whose assertion is for that client with an Azure DevOps token for the
 * same person (oid, upn, name); anything else is `invalid_grant` (AADSTS50013).
 * @example const entra = await startEntraTokenService({ tenant, clientId, clientSecret, cert });
 */
export async function startEntraTokenService(opts: {
  tenant: string;
  clientId: string;
  clientSecret: string;
  cert: SelfSignedCert;
}): Promise<EntraTokenService> {
  const { tenant, clientId, clientSecret, cert } = opts;
  const requests: Record<string, string>[] = [];
  const issued: string[] = [];
  let authorityHost = '';
  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const url = new URL(req.url ?? '/', authorityHost);
      if (url.pathname === `/${tenant}/v2.0/.well-known/openid-configuration`) {
        send(200, {
          issuer: `${authorityHost}/${tenant}/v2.0`,
          authorization_endpoint: `${authorityHost}/${tenant}/oauth2/v2.0/authorize`,
          token_endpoint: `${authorityHost}/${tenant}/oauth2/v2.0/token`,
          end_session_endpoint: `${authorityHost}/${tenant}/oauth2/v2.0/logout`,
          jwks_uri: `${authorityHost}/${tenant}/discovery/v2.0/keys`,
          response_types_supported: ['code', 'token'],
        });
        return;
      }
      if (url.pathname === `/${tenant}/oauth2/v2.0/token` && req.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
        requests.push(form);
        let claims: Record<string, unknown> = {};
        try {
          claims = JSON.parse(
            Buffer.from((form.assertion ?? '').split('.')[1] ?? '', 'base64url').toString() || '{}',
          ) as Record<string, unknown>;
        } catch {
          /* refused below */
        }
        if (
          form.client_id !== clientId ||
          form.client_secret !== clientSecret ||
          form.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' ||
          form.requested_token_use !== 'on_behalf_of' ||
          claims.aud !== clientId
        ) {
          send(400, { error: 'invalid_grant', error_description: 'AADSTS50013: bad assertion' });
          return;
        }
        // An Azure DevOps token for the same person (what Entra ID would issue).
        const accessToken = unsignedJwt({
          aud: '499b84ac-1321-427f-aa17-267ca6975798',
          oid: claims.oid,
          upn: claims.upn,
          name: claims.name,
          exp: Math.floor(Date.now() / 1000) + 3600,
          jti: `ado-${issued.length + 1}`,
        });
        issued.push(accessToken);
        send(200, {
          token_type: 'Bearer',
          scope: AZURE_DEVOPS_SCOPE.replace('/.default', '/user_impersonation'),
          expires_in: 3600,
          ext_expires_in: 3600,
          access_token: accessToken,
        });
        return;
      }
      send(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  authorityHost = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    authorityHost,
    requests,
    issued,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
