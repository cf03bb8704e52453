import type { ContainerClient } from '@azure/storage-blob';
import type { Clock } from '../clock/clock';
import { checkKey, checkName, compareKeys, toJson } from './check-store-input';
import { azureStatus, azureStoreError, isAzureConflict } from './azure-store-error';
import { decodeKey, encodeKey } from './encode-key';
import type { PutOptions, PutResult, StoredDoc } from './store';

/** Blob metadata names must be C# identifiers; Azure lowercases them anyway. */
const EXPIRES = 'expiresat';
const MAX_CAS_ROUNDS = 5;
const LIST_PARALLELISM = 16;
const CONFLICT: PutResult = { ok: false, reason: 'conflict' };

interface BlobVersion {
  blobEtag: string;
  expiresAt?: number;
}

/**
 * Documents as JSON blobs named `{collection}/{encoded key}`. Compare-and-set maps to blob
 * conditions (`ifMatch`, `ifNoneMatch: '*'`); expiry lives in metadata and in our eTag
 * (`{expiresAt}|{blob eTag}`), so a put with the eTag of an expired document is refused
 * without an extra round trip.
 */
export class AzureBlobDocs {
  constructor(
    private readonly container: ContainerClient,
    private readonly clock: Clock,
  ) {}

  async get<T>(collection: string, key: string): Promise<StoredDoc<T> | undefined> {
    const blob = this.blob(collection, key);
    try {
      const response = await blob.download();
      const expiresAt = parseExpiry(response.metadata?.[EXPIRES]);
      if (!this.isLive(expiresAt) || !response.etag) return undefined;
      const json = await readBody(response.readableStreamBody);
      return toDoc<T>(key, json, {
        blobEtag: response.etag,
        ...(expiresAt !== undefined && { expiresAt }),
      });
    } catch (err) {
      if (azureStatus(err) === 404) return undefined;
      throw azureStoreError(err, `blob ${blob.name}`);
    }
  }

  async put<T>(collection: string, key: string, value: T, opts: PutOptions): Promise<PutResult> {
    const blob = this.blob(collection, key);
    const json = toJson(value);
    const expiresAt = opts.ttlMs === undefined ? undefined : this.clock.now() + opts.ttlMs;
    const upload = async (conditions: {
      ifMatch?: string;
      ifNoneMatch?: string;
    }): Promise<PutResult> => {
      const response = await blob.upload(json, Buffer.byteLength(json), {
        conditions,
        metadata: expiresAt === undefined ? {} : { [EXPIRES]: String(expiresAt) },
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
      return {
        ok: true,
        etag: formatEtag({
          blobEtag: response.etag ?? '',
          ...(expiresAt !== undefined && { expiresAt }),
        }),
      };
    };
    try {
      if (opts.etag === undefined) return await upload({});
      if (typeof opts.etag === 'string') {
        const version = parseEtag(opts.etag);
        if (!version || !this.isLive(version.expiresAt)) return CONFLICT;
        return await upload({ ifMatch: version.blobEtag });
      }
      return await this.create(collection, key, upload);
    } catch (err) {
      // A condition that failed, or an ifMatch on a blob that is gone, is a lost race, not a fault.
      if (opts.etag !== undefined && (isAzureConflict(err) || azureStatus(err) === 404))
        return CONFLICT;
      throw azureStoreError(err, `blob ${blob.name}`);
    }
  }

  async delete(collection: string, key: string, etag?: string): Promise<boolean> {
    const blob = this.blob(collection, key);
    try {
      if (etag !== undefined) {
        const version = parseEtag(etag);
        if (!version || !this.isLive(version.expiresAt)) return false;
        return await this.deleteIfMatch(collection, key, version.blobEtag);
      }
      for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
        const current = await this.version(collection, key);
        if (!current) return false;
        const deleted = await this.deleteIfMatch(collection, key, current.blobEtag);
        if (!this.isLive(current.expiresAt)) return false;
        if (deleted) return true;
      }
      return false;
    } catch (err) {
      throw azureStoreError(err, `blob ${blob.name}`);
    }
  }

  async list<T>(collection: string, prefix: string): Promise<StoredDoc<T>[]> {
    checkName('collection', collection);
    const folder = `${collection}/`;
    const names: string[] = [];
    try {
      for await (const item of this.container.listBlobsFlat({
        prefix: folder + encodeKey(prefix),
        includeMetadata: true,
      })) {
        if (this.isLive(parseExpiry(item.metadata?.[EXPIRES]))) names.push(item.name);
      }
    } catch (err) {
      throw azureStoreError(err, `container ${this.container.containerName}`);
    }
    const keys = names.map((name) => decodeKey(name.slice(folder.length)));
    const docs: StoredDoc<T>[] = [];
    for (let i = 0; i < keys.length; i += LIST_PARALLELISM) {
      const batch = await Promise.all(
        keys.slice(i, i + LIST_PARALLELISM).map((key) => this.get<T>(collection, key)),
      );
      for (const doc of batch) if (doc) docs.push(doc);
    }
    return docs.sort((a, b) => compareKeys(a.key, b.key));
  }

  /**
   * Deletes blobs whose ttl has passed (already invisible), e.g. old `dedupe` ids. Each delete
   * is conditioned on the listed eTag, so a document rewritten meanwhile survives.
   */
  async purgeExpired(): Promise<number> {
    let purged = 0;
    try {
      for await (const item of this.container.listBlobsFlat({ includeMetadata: true })) {
        if (this.isLive(parseExpiry(item.metadata?.[EXPIRES])) || !item.properties.etag) continue;
        try {
          await this.container
            .getBlobClient(item.name)
            .delete({ conditions: { ifMatch: item.properties.etag } });
          purged++;
        } catch (err) {
          if (!isAzureConflict(err) && azureStatus(err) !== 404) throw err;
        }
      }
    } catch (err) {
      throw azureStoreError(err, `container ${this.container.containerName}`);
    }
    return purged;
  }

  /** Create-only: `ifNoneMatch: '*'`, or replace a blob that exists but has expired. */
  private async create(
    collection: string,
    key: string,
    upload: (conditions: { ifMatch?: string; ifNoneMatch?: string }) => Promise<PutResult>,
  ): Promise<PutResult> {
    for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
      try {
        return await upload({ ifNoneMatch: '*' });
      } catch (err) {
        if (!isAzureConflict(err)) throw err;
      }
      const current = await this.version(collection, key);
      if (!current) continue; // deleted in between: try the create again
      if (this.isLive(current.expiresAt)) return CONFLICT;
      return await upload({ ifMatch: current.blobEtag });
    }
    return CONFLICT;
  }

  private async version(collection: string, key: string): Promise<BlobVersion | undefined> {
    try {
      const props = await this.blob(collection, key).getProperties();
      const expiresAt = parseExpiry(props.metadata?.[EXPIRES]);
      return { blobEtag: props.etag ?? '', ...(expiresAt !== undefined && { expiresAt }) };
    } catch (err) {
      if (azureStatus(err) === 404) return undefined;
      throw err;
    }
  }

  private async deleteIfMatch(collection: string, key: string, blobEtag: string): Promise<boolean> {
    try {
      await this.blob(collection, key).delete({ conditions: { ifMatch: blobEtag } });
      return true;
    } catch (err) {
      if (isAzureConflict(err) || azureStatus(err) === 404) return false;
      throw err;
    }
  }

  private blob(collection: string, key: string) {
    checkName('collection', collection);
    checkKey('key', key);
    return this.container.getBlockBlobClient(`${collection}/${encodeKey(key)}`);
  }

  private isLive(expiresAt: number | undefined): boolean {
    return expiresAt === undefined || expiresAt > this.clock.now();
  }
}

function parseExpiry(raw: string | undefined): number | undefined {
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

function formatEtag(version: BlobVersion): string {
  return `${version.expiresAt ?? ''}|${version.blobEtag}`;
}

function parseEtag(etag: string): BlobVersion | undefined {
  const bar = etag.indexOf('|');
  if (bar < 0) return undefined;
  const expiresAt = parseExpiry(etag.slice(0, bar) || undefined);
  return { blobEtag: etag.slice(bar + 1), ...(expiresAt !== undefined && { expiresAt }) };
}

function toDoc<T>(key: string, json: string, version: BlobVersion): StoredDoc<T> {
  const doc: StoredDoc<T> = { key, value: JSON.parse(json) as T, etag: formatEtag(version) };
  if (version.expiresAt !== undefined) doc.expiresAt = version.expiresAt;
  return doc;
}

async function readBody(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return 'null';
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
