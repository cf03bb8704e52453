import type { Clock } from '../clock/clock';
import { MemoryStore } from './memory-store';
import { SqliteStore } from './sqlite-store';
import { StoreError } from './store-error';
import type { Store } from './store';

export interface CreateStoreOptions {
  kind: 'memory' | 'sqlite' | 'azure';
  /** SQLite file. Default `.data/chatops.db`. */
  sqlitePath?: string;
  /** Required for `azure`. */
  azureConnectionString?: string;
  /** Blob container for `azure`. Default `chatops`. */
  azureContainer?: string;
  /** Table for `azure`. Default `chatops`. */
  azureTable?: string;
  clock?: Clock;
  /** Audit records older than this many days are hidden and purged (`CHATOPS_AUDIT_DAYS`). Default 90. */
  auditRetentionDays?: number;
}

/**
 * Builds the configured store (the composition root calls this once).
 * @example const store = await createStore({ kind: 'sqlite', sqlitePath: '.data/chatops.db' });
 */
export async function createStore(options: CreateStoreOptions): Promise<Store> {
  const common = {
    ...(options.clock && { clock: options.clock }),
    ...(options.auditRetentionDays !== undefined && {
      auditRetentionDays: options.auditRetentionDays,
    }),
  };
  switch (options.kind) {
    case 'memory':
      return new MemoryStore(common);
    case 'sqlite':
      return SqliteStore.open({ path: options.sqlitePath ?? '.data/chatops.db', ...common });
    case 'azure':
      if (!options.azureConnectionString) {
        throw new StoreError(
          'config',
          'The Azure store needs AZURE_STORAGE_CONNECTION_STRING (the storage account connection string).',
        );
      }
      {
        // Loaded only when chosen: the Azure Storage SDKs add ~170 ms to every start-up otherwise.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { AzureStore } = require('./azure-store') as typeof import('./azure-store');
        return AzureStore.connect({
          connectionString: options.azureConnectionString,
          ...(options.azureContainer !== undefined && { container: options.azureContainer }),
          ...(options.azureTable !== undefined && { table: options.azureTable }),
          ...common,
        });
      }
    default:
      throw new StoreError(
        'config',
        `Unknown store kind ${JSON.stringify(options.kind as string)}: use memory, sqlite or azure.`,
      );
  }
}
