import type { Identity } from './model';
import { deterministicGuid } from './ids';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The identity a PAT authenticates as: the bot's service account. */
export const serviceIdentity: Identity = {
  id: deterministicGuid('identity:digitre-chatops-service'),
  displayName: 'DigitRE ChatOps',
  uniqueName: 'digitre-chatops@digitre.example',
};

/**
 * The identity Azure DevOps would show for a catalog principal: emails get a stable GUID and a
 * display name from the local part; GUIDs are taken as Entra object ids. `channel:` principals are
 * not Azure DevOps identities and give undefined.
 * @example identityForPrincipal('alex.wilber@digitre.example').displayName === 'Alex Wilber'
 */
export function identityForPrincipal(principal: string): Identity | undefined {
  if (principal.startsWith('channel:')) return undefined;
  if (GUID.test(principal)) {
    const id = principal.toLowerCase();
    return { id, displayName: id, uniqueName: id };
  }
  const email = principal.toLowerCase();
  const local = email.split('@')[0] ?? email;
  const displayName = local
    .split(/[._-]+/)
    .filter((w) => w.length > 0)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
  return { id: deterministicGuid(`identity:${email}`), displayName, uniqueName: email };
}

/** True when two identities are the same person (by id or by UPN). */
export function sameIdentity(a: Identity, b: Identity): boolean {
  return (
    a.id.toLowerCase() === b.id.toLowerCase() ||
    a.uniqueName.toLowerCase() === b.uniqueName.toLowerCase()
  );
}

/** IdentityRef JSON as Azure DevOps returns it. */
export function identityRef(i: Identity): Record<string, unknown> {
  return {
    displayName: i.displayName,
    id: i.id,
    uniqueName: i.uniqueName,
    descriptor: `aad.${Buffer.from(i.id).toString('base64').replace(/=+$/, '')}`,
  };
}
