import {
  ServiceClientCredentialsFactory,
  TokenCredentials,
  type ServiceClientCredentials,
} from 'botframework-connector';

/**
 * The bot's own outgoing credential for offline tests, through botbuilder's extension point
 * (`ServiceClientCredentialsFactory`): botbuilder gets the real one from MSAL, which insists on
 * Microsoft's instance discovery (login.microsoftonline.com) and cannot be pointed at a local
 * service. Everything else (the channel, the token service at `OAuthUrl`) stays botbuilder's.
 * @example startApp(config, { botCredentialsFactory: staticBotCredentials(APP_ID, 'bot-token') })
 */
export function staticBotCredentials(
  appId: string,
  token: string,
): ServiceClientCredentialsFactory {
  return new (class extends ServiceClientCredentialsFactory {
    isValidAppId(id: string): Promise<boolean> {
      return Promise.resolve(id === appId);
    }
    isAuthenticationDisabled(): Promise<boolean> {
      return Promise.resolve(false);
    }
    createCredentials(id: string): Promise<ServiceClientCredentials> {
      if (id !== appId) return Promise.reject(new Error('Invalid appId.'));
      return Promise.resolve(new TokenCredentials(token));
    }
  })();
}
