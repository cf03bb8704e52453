import { ConfigError } from './config-error';
import type { Env } from './env-schema';

/**
 * The tenant boundary: `CHATOPS_ALLOWED_TENANTS`, else the bot's own tenant. A multi-tenant app
 * can be added by any Teams organization, so outside local mode it must name who it serves.
 */
export function allowedTenantsFrom(e: Env): string[] {
  const tenants =
    e.CHATOPS_ALLOWED_TENANTS ??
    (e.MicrosoftAppTenantId ? [e.MicrosoftAppTenantId.toLowerCase()] : []);
  const multiTenant = (e.MicrosoftAppType ?? 'MultiTenant') === 'MultiTenant';
  if (tenants.length === 0 && e.MicrosoftAppId && multiTenant && e.ADO_ORG_URL) {
    throw new ConfigError(
      'invalid configuration:\n  CHATOPS_ALLOWED_TENANTS: required with a MultiTenant MicrosoftAppId outside local mode ' +
        '(any Teams organization could otherwise use the bot); set it to your Entra tenant id(s), comma-separated, ' +
        'or set MicrosoftAppTenantId',
    );
  }
  return tenants;
}
