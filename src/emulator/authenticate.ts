import type { Clock } from '../clock/clock';
import type { Identity } from './model';
import { serviceIdentity } from './identities';

/** Turns a bearer token into the caller's identity, or null to answer 401. */
export type BearerValidator = (token: string) => Identity | null;

/**
 * The default bearer check: decodes the JWT payload without verifying the signature (this is a
 * local emulator), rejects expired tokens and uses oid/name/upn as the identity.
 * @example const v = jwtPayloadValidator(systemClock); v(token)?.uniqueName
 */
export function jwtPayloadValidator(clock: Clock): BearerValidator {
  return (token) => {
    const part = token.split('.')[1];
    if (!part) return null;
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
    } catch {
      return null;
    }
    if (typeof claims !== 'object' || claims === null) return null;
    if (typeof claims.exp === 'number' && claims.exp * 1000 <= clock.now()) return null;
    const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string) : undefined);
    const id = str('oid') ?? str('sub');
    if (!id) return null;
    const uniqueName =
      str('upn') ?? str('preferred_username') ?? str('unique_name') ?? str('email') ?? id;
    return { id, displayName: str('name') ?? uniqueName, uniqueName };
  };
}

/**
 * Who is calling, from the Authorization header: Basic with the PAT as password (any user part,
 * as Azure DevOps ignores it) is the service identity; Bearer goes through `bearer`.
 */
export function authenticate(
  header: string | undefined,
  pat: string,
  bearer: BearerValidator,
): Identity | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const secret = colon >= 0 ? decoded.slice(colon + 1) : decoded;
    return secret === pat ? serviceIdentity : null;
  }
  if (scheme === 'bearer') {
    try {
      return bearer(value);
    } catch {
      return null;
    }
  }
  return null;
}
