import { randomBytes } from 'node:crypto';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Clock } from '../clock/clock';
import { auditCutoff } from './audit-retention';
import { toJson } from './check-store-input';
import { azureStoreError } from './azure-store-error';
import { MAX_TIME, sortable } from './sortable';
import type { AuditRecord } from './store';

const DAY_MS = 24 * 3600_000;
const MAX_DAY = 999_999;
const MAX_SEQ = 999_999_999;
const PREFIX = 'audit-';
/** Table Storage's limit of operations in one transaction (all in one partition). */
const BATCH = 100;

interface AuditEntity {
  partitionKey: string;
  rowKey: string;
  /** Readable UTC day, for people browsing the table. */
  day: string;
  /** Sortable epoch ms (strings compare reliably in Table filters; numbers may be Int32/Double). */
  at: string;
  actorId: string;
  /** The whole outcome code (`refused:locked`), for people and filters browsing the table. */
  code?: string;
  record: string;
}

/**
 * The audit log in Table Storage: one partition per UTC day, keys inverted so that the
 * service's natural (PartitionKey, RowKey) order is newest first and a query can stop at
 * `limit` without reading older days. Records past retention are hidden at once and deleted by
 * `prune`.
 */
export class AzureAuditLog {
  /** Orders records of the same millisecond written by this process (newest first). */
  private seq = 0;

  constructor(
    private readonly table: TableClient,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {}

  async append(record: AuditRecord): Promise<void> {
    const at = record.at ?? this.clock.now();
    const entity: AuditEntity = {
      partitionKey: partitionFor(at),
      rowKey: `${sortable(MAX_TIME - at)}-${sortable(MAX_SEQ - (++this.seq % MAX_SEQ), 9)}-${randomBytes(4).toString('hex')}`,
      day: new Date(at).toISOString().slice(0, 10),
      at: sortable(at),
      actorId: record.actor.id,
      ...(record.code !== undefined && { code: record.code }),
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
    const since = Math.max(opts.since ?? -Infinity, this.cutoff());
    const filters = [
      odata`PartitionKey ge ${PREFIX}`,
      odata`PartitionKey le ${partitionFor(since)}`,
      odata`at ge ${sortable(since)}`,
    ];
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

  /**
   * Deletes the records past retention, a transaction per partition and hundred; resolves how
   * many. Safe to run from several replicas at once: a row another one deleted is skipped.
   */
  async prune(): Promise<number> {
    const cutoff = this.cutoff();
    // Older days have larger (inverted) partition keys.
    const filter = [
      odata`PartitionKey ge ${partitionFor(cutoff)}`,
      odata`PartitionKey lt ${'audit.'}`,
      odata`at lt ${sortable(cutoff)}`,
    ].join(' and ');
    const byPartition = new Map<string, TransactionAction[]>();
    let deleted = 0;
    try {
      const old = this.table.listEntities<AuditEntity>({
        queryOptions: { filter, select: ['PartitionKey', 'RowKey'] },
      });
      for await (const { partitionKey, rowKey } of old) {
        const actions = byPartition.get(partitionKey) ?? [];
        byPartition.set(partitionKey, actions);
        actions.push(['delete', { partitionKey, rowKey }]);
        if (actions.length === BATCH) deleted += await this.deleteAll(actions.splice(0));
      }
      for (const actions of byPartition.values()) deleted += await this.deleteAll(actions);
    } catch (err) {
      throw azureStoreError(err, `table ${this.table.tableName}`);
    }
    return deleted;
  }

  private async deleteAll(actions: TransactionAction[]): Promise<number> {
    if (actions.length === 0) return 0;
    try {
      await this.table.submitTransaction(actions);
      return actions.length;
    } catch (err) {
      // Another replica pruned some of them first: the whole transaction fails, so go one by one.
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      let deleted = 0;
      for (const [, entity] of actions) {
        await this.table.deleteEntity(entity.partitionKey, entity.rowKey).then(
          () => deleted++,
          (e: { statusCode?: number }) => {
            if (e.statusCode !== 404) throw e;
          },
        );
      }
      return deleted;
    }
  }

  private cutoff(): number {
    return auditCutoff(this.clock.now(), this.retentionDays);
  }
}

function partitionFor(at: number): string {
  return PREFIX + sortable(MAX_DAY - Math.floor(at / DAY_MS), 6);
}
