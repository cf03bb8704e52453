// The Azure Bot resource: the bot's registration with the Bot Framework, its messaging
// endpoint, and the Microsoft Teams channel.

@description('Azure Bot resource name (globally unique).')
param name string

@description('Display name shown in the Azure portal and the Bot Framework.')
param displayName string

@description('Azure Bot pricing tier: F0 (free, standard channels such as Teams) or S1.')
@allowed(['F0', 'S1'])
param sku string

@description('https URL of POST /api/messages on the bot host.')
param messagingEndpoint string

@description('SingleTenant (an Entra app registration with a client secret) or UserAssignedMSI.')
@allowed(['SingleTenant', 'UserAssignedMSI'])
param appType string

@description('The Microsoft App ID: the app registration\'s client id, or the managed identity\'s.')
param appId string

param tenantId string

@description('Resource id of the user-assigned managed identity (UserAssignedMSI only).')
param identityResourceId string = ''

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  kind: 'azurebot'
  sku: { name: sku }
  properties: {
    displayName: displayName
    endpoint: messagingEndpoint
    msaAppId: appId
    msaAppType: appType
    msaAppTenantId: tenantId
    msaAppMSIResourceId: appType == 'UserAssignedMSI' ? identityResourceId : null
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output name string = bot.name
output endpoint string = bot.properties.endpoint
