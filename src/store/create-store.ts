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
}

/**
 * Builds the configured store (the composition root calls this once).
 * @example const store = await createStore({ kind: 'sqlite', sqlitePath: '.data/chatops.db' });
 */
export async function createStore(options: CreateStoreOptions): Promise<Store> {
  const clock = options.clock ? { clock: options.clock } : {};
  switch (options.kind) {
    case 'memory':
      return new MemoryStore(clock);
    case 'sqlite':
      return SqliteStore.open({ path: options.sqlitePath ?? '.data/chatops.db', ...clock });
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
          ...clock,
        });
      }
    default:
      throw new StoreError(
        'config',
        `Unknown store kind ${JSON.stringify(options.kind as string)}: use memory, sqlite or azure.`,
      );
  }
}
