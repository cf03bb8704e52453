import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { ContainerClient } from '@azure/storage-blob';
import type { Clock } from '../clock/clock';
import { checkKey, checkName } from './check-store-input';
import { azureStatus, azureStoreError } from './azure-store-error';

/** Blob leases last 15-60 s (or forever, which a crashed replica would never give back). */
export const MIN_BLOB_LEASE_S = 15;
export const MAX_BLOB_LEASE_S = 60;
const NOTE_PARTITION = 'lease';

/**
 * The lease duration Azure is asked for: `ttlMs` rounded up to whole seconds and clamped to
 * 15-60 s. A ttl under 15 s holds for 15 s; over 60 s holds for 60 s, so the holder must
 * renew (acquire again) within a minute.
 * @example blobLeaseSeconds(30_000) // 30
 */
export function blobLeaseSeconds(ttlMs: number): number {
  return Math.min(MAX_BLOB_LEASE_S, Math.max(MIN_BLOB_LEASE_S, Math.ceil(ttlMs / 1000)));
}

/**
 * The lease id a holder proposes, the same on every replica and every call: a UUID (v5
 * layout) from a SHA-1 of the holder. Only the holder that took a lease can renew or release
 * it, because Azure checks the id, not who asks.
 * @example holderLeaseId('replica-a') // 'e5c0…-5…-…'
 */
export function holderLeaseId(holder: string): string {
  const hash = createHash('sha1').update(`chatops-lease:${holder}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Leases as Azure Blob leases on one empty blob per lease name. Expiry follows the storage
 * service's clock, so replicas with skewed clocks can never both hold a lease (the Table
 * leases they replace compared each replica's own clock). The price: durations are 15-60 s
 * (see `blobLeaseSeconds`), so a lease a crashed replica held lingers up to that long.
 * @example const leases = new AzureBlobLeases(containerClient); await leases.acquire('poller', 'replica-a', 30_000);
 */
export class AzureBlobLeases {
  /**
   * `holders`: where to note who holds a lease until when (the `lease` partition, as the Table
   * leases kept it), since a blob lease only shows an opaque id. The note is for people and
   * tools; the blob lease alone decides.
   */
  constructor(
    private readonly container: ContainerClient,
    private readonly holders?: TableClient,
    private readonly clock?: Clock,
  ) {}

  /** Resolves true when `holder` now holds `name` (taken or renewed); false when another does. */
  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    checkName('lease', name);
    checkKey('lease holder', holder);
    const blob = this.container.getBlockBlobClient(name);
    const lease = blob.getBlobLeaseClient(holderLeaseId(holder));
    const seconds = blobLeaseSeconds(ttlMs);
    try {
      for (let round = 0; round < 2; round++) {
        try {
          await lease.acquireLease(seconds);
          await this.note(name, holder, seconds);
          return true;
        } catch (err) {
          const status = azureStatus(err);
          if (status === 404) {
            await this.createBlob(name);
            continue;
          }
          if (status !== 409) throw err;
        }
        // 409 LeaseAlreadyPresent: ours (renew it, restarting its duration) or someone else's,
        // which Azure tells apart by the lease id.
        try {
          await lease.renewLease();
          await this.note(name, holder, seconds);
          return true;
        } catch (err) {
          if (azureStatus(err) === 409) return false;
          throw err;
        }
      }
      return false;
    } catch (err) {
      throw azureStoreError(err, `lease blob ${this.container.containerName}/${name}`);
    }
  }

  /** Gives the lease up if `holder` holds it; otherwise (or when there is none) does nothing. */
  async release(name: string, holder: string): Promise<void> {
    checkName('lease', name);
    const lease = this.container.getBlockBlobClient(name).getBlobLeaseClient(holderLeaseId(holder));
    try {
      await lease.releaseLease();
      await this.dropNote(name, holder);
    } catch (err) {
      // 409: not leased, or leased to another id; 404: never taken.
      const status = azureStatus(err);
      if (status === 409 || status === 404 || status === 412) return;
      throw azureStoreError(err, `lease blob ${this.container.containerName}/${name}`);
    }
  }

  /** Best effort: a failed note never costs a lease. */
  private async note(name: string, holder: string, seconds: number): Promise<void> {
    if (!this.holders || !this.clock) return;
    const expiresAt = String(this.clock.now() + seconds * 1000);
    await this.holders
      .upsertEntity({ partitionKey: NOTE_PARTITION, rowKey: name, holder, expiresAt }, 'Replace')
      .catch(() => undefined);
  }

  private async dropNote(name: string, holder: string): Promise<void> {
    if (!this.holders) return;
    try {
      const note = await this.holders.getEntity<{ holder: string }>(NOTE_PARTITION, name);
      if (note.holder === holder) {
        await this.holders.deleteEntity(NOTE_PARTITION, name, { etag: note.etag });
      }
    } catch {
      // Gone or rewritten by the next holder: nothing to tidy.
    }
  }

  private async createBlob(name: string): Promise<void> {
    try {
      await this.container
        .getBlockBlobClient(name)
        .upload('', 0, { conditions: { ifNoneMatch: '*' } });
    } catch (err) {
      // Another replica created it first (409), or holds a lease on it already (412).
      const status = azureStatus(err);
      if (status !== 409 && status !== 412) throw err;
    }
  }
}
