import type { Reply } from './http-reply';

/**
 * What Azure DevOps answers a browser-style request with a wrong or expired credential: 203
 * Non-Authoritative Information and the HTML sign-in page. Clients that send
 * `X-TFS-FedAuthRedirect: Suppress` (azure-devops-node-api does) get a 401 instead.
 */
export function signInPage(): Reply {
  return {
    status: 203,
    html:
      '<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head>' +
      '<body><p>Sign in to your account to continue to Azure DevOps.</p>' +
      '<a href="https://app.vssps.visualstudio.com/_signin">Sign in</a></body></html>',
    headers: { 'X-TFS-FedAuthRedirect': 'https://app.vssps.visualstudio.com/_signin' },
  };
}
