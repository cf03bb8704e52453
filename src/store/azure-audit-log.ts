import { randomBytes } from 'node:crypto';
import { odata, type TableClient } from '@azure/data-tables';
import type { Clock } from '../clock/clock';
import { toJson } from './check-store-input';
import { azureStoreError } from './azure-store-error';
import { MAX_TIME, sortable } from './sortable';
import type { AuditRecord } from './store';

const DAY_MS = 24 * 3600_000;
const MAX_DAY = 999_999;
const MAX_SEQ = 999_999_999;
const PREFIX = 'audit-';

interface AuditEntity {
  partitionKey: string;
  rowKey: string;
  /** Readable UTC day, for people browsing the table. */
  day: string;
  /** Sortable epoch ms (strings compare reliably in Table filters; numbers may be Int32/Double). */
  at: string;
  actorId: string;
  record: string;
}

/**
 * The audit log in Table Storage: one partition per UTC day, keys inverted so that the
 * service's natural (PartitionKey, RowKey) order is newest first and a query can stop at
 * `limit` without reading older days.
 */
export class AzureAuditLog {
  /** Orders records of the same millisecond written by this process (newest first). */
  private seq = 0;

  constructor(
    private readonly table: TableClient,
    private readonly clock: Clock,
  ) {}

  async append(record: AuditRecord): Promise<void> {
    const at = record.at ?? this.clock.now();
    const entity: AuditEntity = {
      partitionKey: partitionFor(at),
      rowKey: `${sortable(MAX_TIME - at)}-${sortable(MAX_SEQ - (++this.seq % MAX_SEQ), 9)}-${randomBytes(4).toString('hex')}`,
      day: new Date(at).toISOString().slice(0, 10),
      at: sortable(at),
      actorId: record.actor.id,
      record: toJson({ ...record, at }),
    };
    try {
      await this.table.createEntity(entity);
    } catch (err) {
      throw azureStoreError(err, `table ${this.table.tableName}`);
    }
  }

  async query(opts: {
    limit?: number;
    since?: number;
    actorId?: string;
  }): Promise<(AuditRecord & { at: number })[]> {
    const limit = opts.limit ?? Infinity;
    if (limit <= 0) return [];
    const filters = [odata`PartitionKey ge ${PREFIX}`, odata`PartitionKey lt ${'audit.'}`];
    if (opts.since !== undefined) {
      filters.push(
        odata`PartitionKey le ${partitionFor(opts.since)}`,
        odata`at ge ${sortable(opts.since)}`,
      );
    }
    if (opts.actorId !== undefined) filters.push(odata`actorId eq ${opts.actorId}`);
    const records: (AuditRecord & { at: number })[] = [];
    try {
      const pages = this.table
        .listEntities<AuditEntity>({
          queryOptions: { filter: filters.join(' and '), select: ['record'] },
        })
        .byPage({ maxPageSize: Math.min(1000, limit) });
      for await (const page of pages) {
        for (const entity of page) {
          records.push(JSON.parse(entity.record) as AuditRecord & { at: number });
          if (records.length >= limit) return records;
        }
      }
    } catch (err) {
      throw azureStoreError(err, `table ${this.table.tableName}`);
    }
    return records;
  }
}

function partitionFor(at: number): string {
  return PREFIX + sortable(MAX_DAY - Math.floor(at / DAY_MS), 6);
}
