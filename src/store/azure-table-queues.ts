import { odata, type TableClient } from '@azure/data-tables';
import type { Clock } from '../clock/clock';
import { checkKey, checkName, toJson } from './check-store-input';
import { azureStatus, azureStoreError, isAzureConflict } from './azure-store-error';
import { decodeKey, encodeKey } from './encode-key';
import { sortable } from './sortable';
import { MAX_POISON_ERROR, POISON_LIST_LIMIT, type PoisonItem } from './poison-item';
import type { QueueItem } from './store';

/** How many ready items one claim considers; the rest wait for the next claim. */
const MAX_CANDIDATES = 1000;

interface QueueEntity {
  partitionKey: string;
  rowKey: string;
  payload: string;
  attempts: number;
  /** Sortable epoch ms. */
  availableAt: string;
  /** Enqueue order within the same availableAt: enqueue time, then a per-process counter. */
  seq: string;
}

interface PoisonEntity {
  id: string;
  payload: string;
  attempts: number;
  error: string;
  failedAt: string;
}

/**
 * Work queues as Table entities (`queue-{name}` partition, encoded id as row key). A claim
 * is a Merge conditioned on the entity's eTag, so two replicas never claim the same item.
 */
export class AzureTableQueues {
  private seq = 0;

  constructor(
    private readonly table: TableClient,
    private readonly clock: Clock,
  ) {}

  async enqueue(
    queue: string,
    id: string,
    payload: unknown,
    availableAt?: number,
  ): Promise<boolean> {
    const entity: QueueEntity = {
      partitionKey: partition(queue),
      rowKey: row(id),
      payload: toJson(payload),
      attempts: 0,
      availableAt: sortable(availableAt ?? this.clock.now()),
      seq: `${sortable(this.clock.now())}-${sortable(++this.seq, 9)}`,
    };
    try {
      await this.table.createEntity(entity);
      return true;
    } catch (err) {
      if (azureStatus(err) === 409) return false;
      throw this.error(err);
    }
  }

  async claim<T>(queue: string, limit: number, visibilityMs: number): Promise<QueueItem<T>[]> {
    if (limit <= 0) return [];
    const now = this.clock.now();
    const candidates = (await this.ready(queue, now)).sort(
      (a, b) => cmp(a.availableAt, b.availableAt) || cmp(a.seq, b.seq),
    );
    const claimed: QueueItem<T>[] = [];
    // Try only as many as still needed at a time: losing a race to another replica just
    // moves on to the next candidate.
    for (let i = 0; i < candidates.length && claimed.length < limit;) {
      const batch = candidates.slice(i, i + (limit - claimed.length));
      i += batch.length;
      const results = await Promise.all(
        batch.map((entity) => this.tryClaim<T>(entity, now + visibilityMs)),
      );
      for (const item of results) if (item) claimed.push(item);
    }
    return claimed;
  }

  async complete(queue: string, id: string): Promise<void> {
    try {
      await this.table.deleteEntity(partition(queue), row(id));
    } catch (err) {
      if (azureStatus(err) !== 404) throw this.error(err);
    }
  }

  async release(queue: string, id: string, availableAt: number): Promise<void> {
    try {
      await this.table.updateEntity(
        { partitionKey: partition(queue), rowKey: row(id), availableAt: sortable(availableAt) },
        'Merge',
        { etag: '*' },
      );
    } catch (err) {
      if (azureStatus(err) !== 404) throw this.error(err);
    }
  }

  async length(queue: string): Promise<number> {
    let n = 0;
    try {
      const filter = odata`PartitionKey eq ${partition(queue)}`;
      for await (const _ of this.table.listEntities({
        queryOptions: { filter, select: ['RowKey'] },
      }))
        n++;
    } catch (err) {
      throw this.error(err);
    }
    return n;
  }

  /** Moves an item to the `poison-{queue}` partition with `error`, keyed to list oldest first. */
  async deadLetter(queue: string, id: string, error: string): Promise<void> {
    let entity: QueueEntity;
    try {
      entity = await this.table.getEntity<QueueEntity>(partition(queue), row(id));
    } catch (err) {
      if (azureStatus(err) === 404) return;
      throw this.error(err);
    }
    const now = this.clock.now();
    try {
      await this.table.upsertEntity({
        partitionKey: poisonPartition(queue),
        rowKey: `${sortable(now)}-${sortable(++this.seq, 9)}`,
        id,
        payload: entity.payload,
        attempts: entity.attempts,
        error: error.slice(0, MAX_POISON_ERROR),
        failedAt: String(now),
      });
    } catch (err) {
      throw this.error(err);
    }
    await this.complete(queue, id);
  }

  async listPoison<T>(queue: string, limit = POISON_LIST_LIMIT): Promise<PoisonItem<T>[]> {
    const found: PoisonItem<T>[] = [];
    if (limit <= 0) return found;
    try {
      const filter = odata`PartitionKey eq ${poisonPartition(queue)}`;
      for await (const e of this.table.listEntities<PoisonEntity>({ queryOptions: { filter } })) {
        found.push({
          id: e.id,
          payload: JSON.parse(e.payload) as T,
          attempts: e.attempts,
          error: e.error,
          failedAt: Number(e.failedAt),
        });
        if (found.length >= limit) break;
      }
    } catch (err) {
      throw this.error(err);
    }
    return found;
  }

  private async ready(queue: string, now: number): Promise<(QueueEntity & { etag: string })[]> {
    const filter = odata`PartitionKey eq ${partition(queue)} and availableAt le ${sortable(now)}`;
    const found: (QueueEntity & { etag: string })[] = [];
    try {
      for await (const entity of this.table.listEntities<QueueEntity>({
        queryOptions: { filter },
      })) {
        found.push(entity);
        if (found.length >= MAX_CANDIDATES) break;
      }
    } catch (err) {
      throw this.error(err);
    }
    return found;
  }

  private async tryClaim<T>(
    entity: QueueEntity & { etag: string },
    hiddenUntil: number,
  ): Promise<QueueItem<T> | undefined> {
    const attempts = entity.attempts + 1;
    try {
      await this.table.updateEntity(
        {
          partitionKey: entity.partitionKey,
          rowKey: entity.rowKey,
          attempts,
          availableAt: sortable(hiddenUntil),
        },
        'Merge',
        { etag: entity.etag },
      );
    } catch (err) {
      if (isAzureConflict(err) || azureStatus(err) === 404) return undefined;
      throw this.error(err);
    }
    return {
      id: decodeKey(entity.rowKey),
      payload: JSON.parse(entity.payload) as T,
      attempts,
      availableAt: hiddenUntil,
    };
  }

  private error(err: unknown) {
    return azureStoreError(err, `table ${this.table.tableName}`);
  }
}

function partition(queue: string): string {
  checkName('queue', queue);
  return `queue-${queue}`;
}

function poisonPartition(queue: string): string {
  checkName('queue', queue);
  return `poison-${queue}`;
}

function row(id: string): string {
  checkKey('queue item id', id);
  return encodeKey(id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
