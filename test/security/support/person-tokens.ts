import type { TestIssuer } from './test-issuer';

/** The bot's Entra app (also the on-behalf-of app) and tenant in the acting-as-the-person tests. */
export const APP_ID = '5d9e1f0a-1b2c-4d3e-8f90-a1b2c3d4e5f6';
export const TENANT = '11111111-2222-3333-4444-555555555555';
/** The Azure Bot OAuth connection name. */
export const CONNECTION = 'ado-sso';

/** A prod approver in the catalog (by UPN), as Teams sends her. */
export const RELEASE = {
  id: '29:release-mgr',
  name: 'Rita Release',
  aadObjectId: '00000000-0000-0000-0000-0000000000b2',
};
export const RELEASE_UPN = 'release.manager@digitre.example';

export const nowSec = (): number => Math.floor(Date.now() / 1000);

export { unsignedJwt } from '../../support/unsigned-jwt';

/**
 * The Authorization header Teams' channel sends with one activity, signed by the local issuer.
 * @example postActivity(url, activity, channelAuth(issuer, APP_ID, connector.url))
 */
export function channelAuth(
  issuer: TestIssuer,
  appId: string,
  serviceUrl: string,
): { authorization: string } {
  return {
    authorization: `Bearer ${issuer.sign({
      iss: issuer.issuer,
      aud: appId,
      iat: nowSec() - 10,
      nbf: nowSec() - 10,
      exp: nowSec() + 600,
      serviceurl: serviceUrl,
    })}`,
  };
}
