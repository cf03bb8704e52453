// DigitRE ChatOps in Azure: the bot in Azure Container Apps (several replicas on one Azure
// Storage account), its Azure Bot registration with the Teams channel, a user-assigned managed
// identity, Key Vault for every secret, and Log Analytics. Deployed by the Agents Toolkit
// (m365agents.yml, arm/deploy) or by hand:
//   az deployment group create -g <rg> -f infra/azure.bicep -p infra/azure.parameters.json
// test/contract/infra.test.ts holds the container's environment against src/config/load-config.ts.

@description('Prefix for every resource name (letters and digits, 3-16).')
@minLength(3)
@maxLength(16)
param resourceBaseName string

param location string = resourceGroup().location

@description('The bot image, e.g. <registry>.azurecr.io/digitre-chatops:0.1.0 (built from ./Dockerfile, e.g. by az acr build).')
param containerImage string

@description('Azure Container Registry (in this resource group) the image comes from; the managed identity gets AcrPull on it. Empty for a public image.')
param containerRegistryName string = ''

@description('SingleTenant: an Entra app registration with a client secret (MicrosoftAppPassword). UserAssignedMSI: the managed identity below is the bot, no secret.')
@allowed(['SingleTenant', 'UserAssignedMSI'])
param botAppType string = 'SingleTenant'

@description('Client id of the bot\'s Entra app registration (SingleTenant).')
param botAppId string = ''

@secure()
@description('Client secret of that app registration (SingleTenant); stored in Key Vault.')
param botAppPassword string = ''

param botDisplayName string = 'DigitRE ChatOps'

@allowed(['F0', 'S1'])
param botSku string = 'F0'

@description('Azure DevOps organization, e.g. https://dev.azure.com/digitre')
param adoOrgUrl string

param adoProject string = 'DigitRE'

@secure()
@description('Azure DevOps PAT; stored in Key Vault. Empty: the managed identity signs in to Azure DevOps through Entra ID (add it to the organization first).')
param adoPat string = ''

@secure()
@minLength(16)
@description('Secret the Azure DevOps service hooks send to /api/ado-events; stored in Key Vault.')
param adoWebhookSecret string

@minValue(1)
param minReplicas int = 1

@minValue(1)
param maxReplicas int = 3

@description('vCPU and memory of one replica (Container Apps pairs: 0.5/1Gi, 1/2Gi, ...).')
param cpu string = '0.5'
param memory string = '1Gi'

@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS'])
param storageSku string = 'Standard_LRS'

@allowed(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
param logLevel string = 'info'

param logRetentionDays int = 30

var names = {
  identity: '${resourceBaseName}-id'
  logs: '${resourceBaseName}-logs'
  environment: '${resourceBaseName}-env'
  app: '${resourceBaseName}-bot'
  bot: '${resourceBaseName}-azurebot'
  storage: toLower(take(replace('${resourceBaseName}${uniqueString(resourceGroup().id)}', '-', ''), 24))
  vault: take('${resourceBaseName}-kv-${uniqueString(resourceGroup().id)}', 24)
}
var roles = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538f'
}
var registryServer = empty(containerRegistryName) ? '' : '${containerRegistryName}${environment().suffixes.acrLoginServer}'
var usesMsi = botAppType == 'UserAssignedMSI'
var port = 3978

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: names.logs
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: names.storage
  location: location
  kind: 'StorageV2'
  sku: { name: storageSku }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

// RBAC-only vault: the identity reads secrets; nobody gets a secret through an access policy.
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: names.vault
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
  }
}

module secrets 'modules/key-vault-secrets.bicep' = {
  name: 'chatops-secrets'
  params: {
    vaultName: vault.name
    // The store takes a connection string today, so the account key lives in Key Vault only.
    storageConnectionString: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
    botAppPassword: usesMsi ? '' : botAppPassword
    adoPat: adoPat
    adoWebhookSecret: adoWebhookSecret
  }
}

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

// Data-plane roles for the identity, so the store can move to Entra ID sign-in without a key.
resource blobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageBlobDataContributor)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}

resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

// Only a scope for the role below (which is skipped without a registry): nothing is read from it.
resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: empty(containerRegistryName) ? 'none' : containerRegistryName
}

// The app pulls its image with the identity, so it needs AcrPull before the first revision.
resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(containerRegistryName)) {
  name: guid(resourceGroup().id, containerRegistryName, identity.id, roles.acrPull)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
  }
}

resource containerEnv 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: names.environment
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

// Container Apps resolves each secret from Key Vault with the identity: no value in the app.
var baseSecretNames = ['storage-connection-string', 'ado-webhook-secret']
var secretNames = concat(baseSecretNames, usesMsi ? [] : ['microsoft-app-password'], empty(adoPat) ? [] : ['ado-pat'])
var appSecrets = [
  for secretName in secretNames: {
    name: secretName
    keyVaultUrl: 'https://${names.vault}${environment().suffixes.keyvaultDns}/secrets/${secretName}'
    identity: identity.id
  }
]

var publicUrl = 'https://${names.app}.${containerEnv.properties.defaultDomain}'
var baseEnv = [
  { name: 'MicrosoftAppId', value: usesMsi ? identity.properties.clientId : botAppId }
  { name: 'MicrosoftAppType', value: botAppType }
  { name: 'MicrosoftAppTenantId', value: tenant().tenantId }
  { name: 'ADO_ORG_URL', value: adoOrgUrl }
  { name: 'ADO_PROJECT', value: adoProject }
  { name: 'ADO_WEBHOOK_SECRET', secretRef: 'ado-webhook-secret' }
  { name: 'CHATOPS_STORE', value: 'azure' }
  { name: 'AZURE_STORAGE_CONNECTION_STRING', secretRef: 'storage-connection-string' }
  { name: 'CHATOPS_PUBLIC_URL', value: publicUrl }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'HOST', value: '0.0.0.0' }
  { name: 'PORT', value: string(port) }
  { name: 'LOG_LEVEL', value: logLevel }
]
var appPasswordEnv = usesMsi ? [] : [
  { name: 'MicrosoftAppPassword', secretRef: 'microsoft-app-password' }
]
var adoPatEnv = empty(adoPat) ? [] : [
  { name: 'ADO_PAT', secretRef: 'ado-pat' }
]
var appEnv = concat(baseEnv, appPasswordEnv, adoPatEnv)

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: names.app
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [vaultSecretsUser, secrets, registryPull]
  properties: {
    managedEnvironmentId: containerEnv.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
      }
      registries: empty(containerRegistryName) ? [] : [
        { server: registryServer, identity: identity.id }
      ]
      secrets: appSecrets
    }
    template: {
      containers: [
        {
          name: 'bot'
          image: containerImage
          resources: { cpu: json(cpu), memory: memory }
          env: appEnv
          probes: [
            {
              type: 'Liveness'
              httpGet: { path: '/healthz', port: port }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: { path: '/readyz', port: port }
              periodSeconds: 5
              failureThreshold: 3
            }
            {
              type: 'Startup'
              httpGet: { path: '/healthz', port: port }
              periodSeconds: 2
              failureThreshold: 30
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          { name: 'http', http: { metadata: { concurrentRequests: '50' } } }
        ]
      }
    }
  }
}

module azureBot 'modules/azure-bot.bicep' = {
  name: 'chatops-azure-bot'
  params: {
    name: names.bot
    displayName: botDisplayName
    sku: botSku
    messagingEndpoint: '${publicUrl}/api/messages'
    appType: botAppType
    appId: usesMsi ? identity.properties.clientId : botAppId
    tenantId: tenant().tenantId
    identityResourceId: identity.id
  }
}

// Outputs in UPPER_SNAKE: the Agents Toolkit writes them to env/.env.<environment>.
output BOT_ID string = usesMsi ? identity.properties.clientId : botAppId
output BOT_DOMAIN string = app.properties.configuration.ingress.fqdn
output BOT_ENDPOINT string = 'https://${app.properties.configuration.ingress.fqdn}'
output MESSAGING_ENDPOINT string = azureBot.outputs.endpoint
output CONTAINER_APP_NAME string = app.name
output MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId
output KEY_VAULT_NAME string = vault.name
