import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { type Clock, systemClock } from '../clock/clock';
import { DEFAULT_AUDIT_DAYS } from './audit-retention';
import { AzureAuditLog } from './azure-audit-log';
import { AzureBlobDocs } from './azure-blob-docs';
import { AzureBlobLeases } from './azure-blob-leases';
import { AzureStorageQueues } from './azure-storage-queues';
import { azureStoreError } from './azure-store-error';
import { AzureTableLeases } from './azure-table-leases';
import { AzureTableQueues } from './azure-table-queues';
import { keptPoisonError, type PoisonItem } from './poison-item';
import { StoreError } from './store-error';
import type { AuditRecord, PutOptions, PutResult, QueueItem, Store, StoredDoc } from './store';

export interface AzureStoreOptions {
  /** An Azure Storage connection string (account key or SAS), e.g. from AZURE_STORAGE_CONNECTION_STRING. */
  connectionString: string;
  /** Blob container for documents. Default `chatops`. */
  container?: string;
  /** Table for the audit log, queues and leases. Default `chatops`. */
  table?: string;
  clock?: Clock;
  /** Audit records older than this many days are hidden and pruned. Default 90. */
  auditRetentionDays?: number;
  /**
   * Prune the audit log in the background every hour as records are appended. Default true;
   * false leaves it to `purgeExpired` (the store contract tests drive it themselves).
   */
  autoPruneAudit?: boolean;
  /**
   * Leases as Azure Blob leases (blobs in container `{container}-leases`), timed by the
   * storage service so skewed replica clocks cannot both hold one; a ttl is held 15-60 s
   * (under 15 s: 15 s). Default true unless `clock` is another than `systemClock`: a fake
   * clock cannot move the service's time, so clock-driven tests get Table leases on `clock`.
   */
  serverTimeLeases?: boolean;
  /**
   * Queues on Azure Storage Queues (visibility timeout, dequeue count, `<queue>-poison`),
   * named `{table}-{queue}`. Default true when `clock` is `systemClock` and the connection string
   * reaches a queue service (a QueueEndpoint, or no explicit endpoints at all); otherwise the
   * Table-based queues.
   */
  serverTimeQueues?: boolean;
}

/** How often appending to the audit log also prunes it (in the background). */
const AUDIT_PRUNE_EVERY_MS = 3600_000;

/**
 * The `Store` for several replicas: documents in Blob Storage, the audit log in Table Storage,
 * leases as Blob leases and queues on Storage Queues (both timed by the service, not by a
 * replica's clock; see the options for when the Table-based ones are used instead). Every
 * compare-and-set is an eTag condition checked by the service.
 * @example const store = await AzureStore.connect({ connectionString, container: 'chatops' });
 */
export class AzureStore implements Store {
  readonly sharedByProcesses = true;
  private closed = false;
  /** When the audit log was last pruned; the first append after start prunes. */
  private prunedAt = -Infinity;
  private pruning?: Promise<unknown>;
  private readonly autoPruneAudit: boolean;

  private constructor(
    private readonly docs: AzureBlobDocs,
    private readonly audit: AzureAuditLog,
    private readonly queues: AzureTableQueues | AzureStorageQueues,
    private readonly leases: AzureTableLeases | AzureBlobLeases,
    private readonly clock: Clock,
    options: { autoPruneAudit?: boolean },
  ) {
    this.autoPruneAudit = options.autoPruneAudit ?? true;
  }

  /** Connects and creates the container and table if missing. Throws `StoreError` on failure. */
  static async connect(options: AzureStoreOptions): Promise<AzureStore> {
    const clock = options.clock ?? systemClock;
    const containerName = options.container ?? 'chatops';
    const tableName = options.table ?? 'chatops';
    let blobs: BlobServiceClient;
    let table: TableClient;
    try {
      blobs = BlobServiceClient.fromConnectionString(options.connectionString);
      // The Tables SDK refuses http:// endpoints (Azurite, local emulators) unless told.
      table = TableClient.fromConnectionString(options.connectionString, tableName, {
        allowInsecureConnection: /DefaultEndpointsProtocol=http;|TableEndpoint=http:/i.test(
          options.connectionString,
        ),
      });
    } catch (cause) {
      throw new StoreError(
        'config',
        'AZURE_STORAGE_CONNECTION_STRING is not a valid Azure Storage connection string (expected AccountName=…;AccountKey=… or a SAS).',
        { cause },
      );
    }
    const container = blobs.getContainerClient(containerName);
    try {
      await container.createIfNotExists();
    } catch (err) {
      throw azureStoreError(err, `blob container ${containerName}`);
    }
    try {
      await table.createTable();
    } catch (err) {
      throw azureStoreError(err, `table ${tableName}`);
    }
    const leases =
      (options.serverTimeLeases ?? clock === systemClock)
        ? new AzureBlobLeases(await leaseContainer(blobs, `${containerName}-leases`), table, clock)
        : new AzureTableLeases(table, clock);
    const queues =
      (options.serverTimeQueues ??
      (clock === systemClock && reachesQueues(options.connectionString)))
        ? new AzureStorageQueues(
            QueueServiceClient.fromConnectionString(options.connectionString),
            tableName.toLowerCase(),
            table,
            clock,
          )
        : new AzureTableQueues(table, clock);
    return new AzureStore(
      new AzureBlobDocs(container, clock),
      new AzureAuditLog(table, clock, options.auditRetentionDays ?? DEFAULT_AUDIT_DAYS),
      queues,
      leases,
      clock,
      options,
    );
  }

  async get<T>(collection: string, key: string): Promise<StoredDoc<T> | undefined> {
    this.check();
    return this.docs.get<T>(collection, key);
  }

  async put<T>(
    collection: string,
    key: string,
    value: T,
    opts: PutOptions = {},
  ): Promise<PutResult> {
    this.check();
    return this.docs.put(collection, key, value, opts);
  }

  async delete(collection: string, key: string, etag?: string): Promise<boolean> {
    this.check();
    return this.docs.delete(collection, key, etag);
  }

  async list<T>(collection: string, prefix = ''): Promise<StoredDoc<T>[]> {
    this.check();
    return this.docs.list<T>(collection, prefix);
  }

  async appendAudit(record: AuditRecord): Promise<void> {
    this.check();
    await this.audit.append(record);
    const now = this.clock.now();
    if (this.autoPruneAudit && !this.pruning && now - this.prunedAt >= AUDIT_PRUNE_EVERY_MS) {
      this.prunedAt = now;
      // Off the command's path. A failure is retried at the next interval; old records stay
      // hidden from queries meanwhile, so nothing past retention is ever shown.
      this.pruning = this.audit
        .prune()
        .catch(() => undefined)
        .finally(() => (this.pruning = undefined));
    }
  }

  /** Not one transaction (Blob and Table): the document first, then its audit rows. */
  async putAndAudit<T>(
    collection: string,
    key: string,
    value: T,
    opts: PutOptions,
    records: readonly AuditRecord[],
  ): Promise<PutResult> {
    const result = await this.put(collection, key, value, opts);
    if (result.ok) for (const record of records) await this.appendAudit(record);
    return result;
  }

  async queryAudit(
    opts: { limit?: number; since?: number; actorId?: string } = {},
  ): Promise<(AuditRecord & { at: number })[]> {
    this.check();
    return this.audit.query(opts);
  }

  async enqueue<T>(
    queue: string,
    id: string,
    payload: T,
    opts: { availableAt?: number } = {},
  ): Promise<boolean> {
    this.check();
    return this.queues.enqueue(queue, id, payload, opts.availableAt);
  }

  async claim<T>(queue: string, limit: number, visibilityMs: number): Promise<QueueItem<T>[]> {
    this.check();
    return this.queues.claim<T>(queue, limit, visibilityMs);
  }

  async complete(queue: string, id: string): Promise<void> {
    this.check();
    return this.queues.complete(queue, id);
  }

  async release(queue: string, id: string, availableAt: number): Promise<void> {
    this.check();
    return this.queues.release(queue, id, availableAt);
  }

  async queueLength(queue: string): Promise<number> {
    this.check();
    return this.queues.length(queue);
  }

  /**
   * Gives up on a claimed item: moves it, with `error`, to the queue's poison list
   * (`<queue>-poison` on Storage Queues) instead of deleting it.
   * @example await store.deadLetter('ado-events', item.id, 'failed 8 times');
   */
  async deadLetter(queue: string, id: string, error: string): Promise<void> {
    this.check();
    return this.queues.deadLetter(queue, id, keptPoisonError(error));
  }

  /** Items given up on in `queue`, oldest first (at most `limit`, default 32). */
  async listPoison<T>(queue: string, limit?: number): Promise<PoisonItem<T>[]> {
    this.check();
    return this.queues.listPoison<T>(queue, limit);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    this.check();
    return this.leases.acquire(name, holder, ttlMs);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.check();
    return this.leases.release(name, holder);
  }

  /**
   * Deletes expired documents and audit records past retention (both already invisible). Run
   * it now and then from one replica (under a lease); resolves how many were deleted.
   */
  async purgeExpired(): Promise<number> {
    this.check();
    return (await this.docs.purgeExpired()) + (await this.audit.prune());
  }

  /** The SDK clients hold no resources that need closing; this fences further use and waits for a prune. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pruning;
  }

  private check(): void {
    if (this.closed) throw new StoreError('closed', 'The Azure store was closed.');
  }
}

async function leaseContainer(blobs: BlobServiceClient, name: string) {
  const container = blobs.getContainerClient(name);
  try {
    await container.createIfNotExists();
  } catch (err) {
    throw azureStoreError(err, `blob container ${name}`);
  }
  return container;
}

/** Whether a connection string leads to a queue service (explicit endpoints may leave it out). */
function reachesQueues(connectionString: string): boolean {
  return (
    /QueueEndpoint=/i.test(connectionString) ||
    /UseDevelopmentStorage=true/i.test(connectionString) ||
    !/(Blob|Table|File)Endpoint=/i.test(connectionString)
  );
}
