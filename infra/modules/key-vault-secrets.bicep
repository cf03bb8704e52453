// The bot's secrets in Key Vault. The container app only holds references to them
// (keyVaultUrl + the managed identity), so no secret is a plain app setting.

param vaultName string

@secure()
param storageConnectionString string

@secure()
@description('Empty when the bot is a managed identity (UserAssignedMSI): no secret then.')
param botAppPassword string = ''

@secure()
@description('Empty when Azure DevOps is reached through Entra ID with the managed identity.')
param adoPat string = ''

@secure()
param adoWebhookSecret string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource storageSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'storage-connection-string'
  properties: { value: storageConnectionString }
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'ado-webhook-secret'
  properties: { value: adoWebhookSecret }
}

resource appPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(botAppPassword)) {
  parent: vault
  name: 'microsoft-app-password'
  properties: { value: botAppPassword }
}

resource patSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(adoPat)) {
  parent: vault
  name: 'ado-pat'
  properties: { value: adoPat }
}
