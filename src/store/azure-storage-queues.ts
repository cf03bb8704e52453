import type { TableClient } from '@azure/data-tables';
import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import type { Clock } from '../clock/clock';
import { checkKey, checkName, toJson } from './check-store-input';
import { azureStatus, azureStoreError } from './azure-store-error';
import { encodeKey } from './encode-key';
import { MAX_POISON_ERROR, POISON_LIST_LIMIT, type PoisonItem } from './poison-item';
import { StoreError } from './store-error';
import type { QueueItem } from './store';

/**
 * A message received this many times without being completed or released is poison: its
 * consumer keeps dying (or stalling past the visibility timeout) on it.
 */
export const DEFAULT_POISON_AFTER = 20;
/** Storage Queues hold a message invisible for at most 7 days. */
const MAX_VISIBILITY_S = 7 * 24 * 3600;
/** How long a new message stays hidden until its id is known to be new (see `enqueue`). */
const ENQUEUE_HOLD_S = 30;
/** Azure returns at most 32 messages per receive or peek. */
const BATCH = 32;
/** A message body is at most 64 KiB; leave room for the envelope and XML escaping. */
const MAX_BODY = 48 * 1024;

interface Envelope {
  id: string;
  payload: unknown;
  /** Times released: receives that had an outcome, so that do not count towards poison. */
  released?: number;
}

interface Claimed {
  messageId: string;
  popReceipt: string;
  envelope: Envelope;
  attempts: number;
}

/**
 * Work queues on Azure Storage Queues: a claim is a receive (the visibility timeout hides the
 * message, timed by the service), `attempts` is Azure's dequeue count, and a message received
 * `poisonAfter` times without being completed or released (a replica that crashes on it, say)
 * moves to `<queue>-poison`, as does one given up on with `deadLetter`. Storage Queues do not
 * deduplicate, so a Table entity per live id keeps `enqueue` idempotent. Pop receipts stay in
 * this process: the replica that claimed an item is the one that completes or releases it.
 * Timing is in whole seconds, and order is first-in first-out only as far as Azure keeps it.
 * @example const queues = new AzureStorageQueues(service, 'chatops', table, clock); await queues.enqueue('outbox', 'm1', item);
 */
export class AzureStorageQueues {
  /** `queue\0id` → this process's last claim of it: message id, pop receipt, content. */
  private readonly receipts = new Map<string, Claimed>();
  private readonly created = new Map<string, Promise<QueueClient>>();

  constructor(
    private readonly service: QueueServiceClient,
    /** Prefix of Azure queue names (lowercase letters and digits), e.g. the table name. */
    private readonly prefix: string,
    private readonly table: TableClient,
    private readonly clock: Clock,
    private readonly poisonAfter = DEFAULT_POISON_AFTER,
  ) {}

  async enqueue(
    queue: string,
    id: string,
    payload: unknown,
    availableAt?: number,
  ): Promise<boolean> {
    checkKey('queue item id', id);
    const body = toJson({ id, payload } satisfies Envelope);
    if (body.length > MAX_BODY) {
      throw new StoreError(
        'invalid',
        `Queue item ${JSON.stringify(id.slice(0, 40))} is ${body.length} characters; Azure Storage Queues take at most ${MAX_BODY}.`,
      );
    }
    const client = await this.queue(queue);
    try {
      // Send first, hidden, then claim the id, then show it: a crash in between leaves a
      // message that shows up after the hold (delivered at least once), never an id marked as
      // queued with no message; and no replica can claim a duplicate before it is deleted.
      const wait = this.secondsUntil(availableAt);
      const sent = await client.sendMessage(body, {
        visibilityTimeout: Math.max(wait, ENQUEUE_HOLD_S),
        messageTimeToLive: -1,
      });
      try {
        await this.table.createEntity({
          partitionKey: marker(queue),
          rowKey: encodeKey(id),
          messageId: sent.messageId,
        });
      } catch (err) {
        if (azureStatus(err) !== 409) throw err;
        await ignoreGone(client.deleteMessage(sent.messageId, sent.popReceipt));
        return false;
      }
      if (wait < ENQUEUE_HOLD_S) {
        await client.updateMessage(sent.messageId, sent.popReceipt, undefined, wait);
      }
      return true;
    } catch (err) {
      throw this.error(err, queue);
    }
  }

  async claim<T>(queue: string, limit: number, visibilityMs: number): Promise<QueueItem<T>[]> {
    if (limit <= 0) return [];
    const client = await this.queue(queue);
    const seconds = Math.min(MAX_VISIBILITY_S, Math.max(1, Math.ceil(visibilityMs / 1000)));
    const claimed: QueueItem<T>[] = [];
    try {
      while (claimed.length < limit) {
        const { receivedMessageItems: got } = await client.receiveMessages({
          numberOfMessages: Math.min(BATCH, limit - claimed.length),
          visibilityTimeout: seconds,
        });
        for (const m of got) {
          const envelope = JSON.parse(m.messageText) as Envelope;
          if (m.dequeueCount - (envelope.released ?? 0) > this.poisonAfter) {
            await this.toPoison(
              queue,
              envelope,
              m.dequeueCount - 1,
              `received ${m.dequeueCount - 1} times without being completed or released`,
            );
            await client.deleteMessage(m.messageId, m.popReceipt);
            await this.dropMarker(queue, envelope.id);
            continue;
          }
          this.receipts.set(key(queue, envelope.id), {
            messageId: m.messageId,
            popReceipt: m.popReceipt,
            envelope,
            attempts: m.dequeueCount,
          });
          claimed.push({
            id: envelope.id,
            payload: envelope.payload as T,
            attempts: m.dequeueCount,
            availableAt: m.nextVisibleOn.getTime(),
          });
        }
        if (got.length === 0) break;
      }
    } catch (err) {
      throw this.error(err, queue);
    }
    return claimed;
  }

  async complete(queue: string, id: string): Promise<void> {
    checkKey('queue item id', id);
    const held = this.receipts.get(key(queue, id));
    this.receipts.delete(key(queue, id));
    const client = await this.queue(queue);
    try {
      if (held) await ignoreGone(client.deleteMessage(held.messageId, held.popReceipt));
      await this.dropMarker(queue, id);
    } catch (err) {
      throw this.error(err, queue);
    }
  }

  async release(queue: string, id: string, availableAt: number): Promise<void> {
    checkKey('queue item id', id);
    const held = this.receipts.get(key(queue, id));
    if (!held) return;
    this.receipts.delete(key(queue, id));
    const client = await this.queue(queue);
    try {
      await ignoreGone(
        client.updateMessage(
          held.messageId,
          held.popReceipt,
          // Counted so that an item released often (waiting out an outage) is not poison.
          toJson({ ...held.envelope, released: (held.envelope.released ?? 0) + 1 }),
          this.secondsUntil(availableAt),
        ),
      );
    } catch (err) {
      throw this.error(err, queue);
    }
  }

  /**
   * Gives up on a claimed item: moves it to `<queue>-poison` with `error`, for admins to read.
   * @example await queues.deadLetter('ado-events', item.id, 'failed 8 times: 500 from Teams');
   */
  async deadLetter(queue: string, id: string, error: string): Promise<void> {
    checkKey('queue item id', id);
    const held = this.receipts.get(key(queue, id));
    if (!held) return;
    try {
      await this.toPoison(queue, held.envelope, held.attempts, error);
    } catch (err) {
      throw this.error(err, queue);
    }
    await this.complete(queue, id);
  }

  /** Up to `limit` (≤ 32) items in `<queue>-poison`, oldest first. */
  async listPoison<T>(queue: string, limit = POISON_LIST_LIMIT): Promise<PoisonItem<T>[]> {
    const client = await this.queue(`${queue}-poison`);
    try {
      const { peekedMessageItems } = await client.peekMessages({
        numberOfMessages: Math.min(BATCH, Math.max(1, limit)),
      });
      return peekedMessageItems.map((m) => JSON.parse(m.messageText) as PoisonItem<T>);
    } catch (err) {
      throw this.error(err, queue);
    }
  }

  /** Items waiting or claimed, as Azure counts them (exact on Azurite, approximate on Azure). */
  async length(queue: string): Promise<number> {
    const client = await this.queue(queue);
    try {
      return (await client.getProperties()).approximateMessagesCount ?? 0;
    } catch (err) {
      throw this.error(err, queue);
    }
  }

  private async toPoison(queue: string, envelope: Envelope, attempts: number, error: string) {
    const item: PoisonItem = {
      id: envelope.id,
      payload: envelope.payload,
      attempts,
      error: error.slice(0, MAX_POISON_ERROR),
      failedAt: this.clock.now(),
    };
    const client = await this.queue(`${queue}-poison`);
    // Fits: the payload passed the enqueue size check, and the error is capped.
    await client.sendMessage(toJson(item), { messageTimeToLive: -1 });
  }

  private async dropMarker(queue: string, id: string): Promise<void> {
    await ignoreGone(this.table.deleteEntity(marker(queue), encodeKey(id)));
  }

  /** The Azure queue for a store queue name, created on first use. */
  private queue(name: string): Promise<QueueClient> {
    checkName('queue', name.replace(/-poison$/, ''));
    const azureName = `${this.prefix}-${name.toLowerCase().replace(/_/g, '-')}`.replace(/-+/g, '-');
    let client = this.created.get(azureName);
    if (!client) {
      const queueClient = this.service.getQueueClient(azureName);
      client = queueClient.createIfNotExists().then(
        () => queueClient,
        (err: unknown) => {
          this.created.delete(azureName);
          throw this.error(err, name);
        },
      );
      this.created.set(azureName, client);
    }
    return client;
  }

  private secondsUntil(availableAt: number | undefined): number {
    if (availableAt === undefined) return 0;
    const ms = availableAt - this.clock.now();
    return Math.min(MAX_VISIBILITY_S, Math.max(0, Math.ceil(ms / 1000)));
  }

  private error(err: unknown, queue: string) {
    return azureStoreError(err, `storage queue ${this.prefix}-${queue}`);
  }
}

function marker(queue: string): string {
  return `queued-${queue}`;
}

function key(queue: string, id: string): string {
  return `${queue}\0${id}`;
}

/** A message or marker already gone (completed elsewhere, receipt outdated) is done with. */
async function ignoreGone(op: Promise<unknown>): Promise<void> {
  try {
    await op;
  } catch (err) {
    const status = azureStatus(err);
    if (status !== 404 && status !== 400) throw err;
  }
}
