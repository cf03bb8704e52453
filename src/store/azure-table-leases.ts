import type { TableClient } from '@azure/data-tables';
import type { Clock } from '../clock/clock';
import { checkKey, checkName } from './check-store-input';
import { azureStatus, azureStoreError, isAzureConflict } from './azure-store-error';

const PARTITION = 'lease';
const MAX_CAS_ROUNDS = 5;

interface LeaseEntity {
  partitionKey: string;
  rowKey: string;
  holder: string;
  expiresAt: string;
}

/**
 * Leases as Table entities updated with eTag conditions, timed by the store's clock: what the
 * Azure store uses when given a clock other than the system's (clock-driven tests), since Blob
 * leases (`AzureBlobLeases`, the default) follow the storage service's clock and last 15-60 s.
 * Two replicas whose clocks disagree could both hold one of these.
 */
export class AzureTableLeases {
  constructor(
    private readonly table: TableClient,
    private readonly clock: Clock,
  ) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    checkName('lease', name);
    checkKey('lease holder', holder);
    try {
      for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
        const now = this.clock.now();
        const next: LeaseEntity = {
          partitionKey: PARTITION,
          rowKey: name,
          holder,
          expiresAt: String(now + ttlMs),
        };
        const current = await this.read(name);
        if (current && current.holder !== holder && Number(current.expiresAt) > now) return false;
        try {
          if (current) await this.table.updateEntity(next, 'Replace', { etag: current.etag });
          else await this.table.createEntity(next);
          return true;
        } catch (err) {
          // Someone else wrote in between: look again.
          if (!isAzureConflict(err) && azureStatus(err) !== 404) throw err;
        }
      }
      return false;
    } catch (err) {
      throw azureStoreError(err, `table ${this.table.tableName}`);
    }
  }

  async release(name: string, holder: string): Promise<void> {
    checkName('lease', name);
    try {
      const current = await this.read(name);
      if (current?.holder !== holder) return;
      await this.table.deleteEntity(PARTITION, name, { etag: current.etag });
    } catch (err) {
      if (isAzureConflict(err) || azureStatus(err) === 404) return;
      throw azureStoreError(err, `table ${this.table.tableName}`);
    }
  }

  private async read(name: string): Promise<(LeaseEntity & { etag: string }) | undefined> {
    try {
      return await this.table.getEntity<LeaseEntity>(PARTITION, name);
    } catch (err) {
      if (azureStatus(err) === 404) return undefined;
      throw err;
    }
  }
}
