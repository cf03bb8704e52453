/**
 * Azure DevOps' Entra ID application id as a `.default` scope: the one token audience for the
 * bot's own credential and for people's on-behalf-of tokens.
 * @example await credential.getToken(AZURE_DEVOPS_SCOPE);
 */
export const AZURE_DEVOPS_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';
