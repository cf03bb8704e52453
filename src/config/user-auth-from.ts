import type { UserAuthConfig } from './app-config';
import { invalidVariable } from './config-error';
import type { Env } from './env-schema';

/**
 * The sign-in connection and the on-behalf-of app, when `CHATOPS_OAUTH_CONNECTION` is set. The
 * token service only serves an authenticated bot, and the exchange needs a tenant and a secret.
 */
export function userAuthFrom(e: Env): UserAuthConfig | undefined {
  if (!e.CHATOPS_OAUTH_CONNECTION) return undefined;
  if (!e.MicrosoftAppId) {
    throw invalidVariable(
      'MicrosoftAppId',
      'required with CHATOPS_OAUTH_CONNECTION (the Bot Framework token service serves registered bots only)',
    );
  }
  const clientId = e.CHATOPS_OBO_CLIENT_ID ?? e.MicrosoftAppId;
  const clientSecret = e.CHATOPS_OBO_CLIENT_SECRET ?? e.MicrosoftAppPassword;
  const tenantId = e.CHATOPS_OBO_TENANT_ID ?? e.MicrosoftAppTenantId;
  if (!clientSecret) {
    throw invalidVariable(
      'CHATOPS_OBO_CLIENT_SECRET',
      'required with CHATOPS_OAUTH_CONNECTION when MicrosoftAppPassword is not set',
    );
  }
  if (!tenantId) {
    throw invalidVariable(
      'MicrosoftAppTenantId',
      'required with CHATOPS_OAUTH_CONNECTION (or CHATOPS_OBO_TENANT_ID): the on-behalf-of exchange happens in your tenant',
    );
  }
  return {
    connectionName: e.CHATOPS_OAUTH_CONNECTION,
    obo: {
      tenantId,
      clientId,
      clientSecret,
      authorityHost: e.CHATOPS_ENTRA_AUTHORITY_HOST,
      disableInstanceDiscovery: Boolean(e.CHATOPS_ENTRA_AUTHORITY_HOST),
    },
  };
}
