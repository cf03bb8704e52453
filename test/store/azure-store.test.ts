import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { manualClock } from '../../src/clock/clock';
import { AzureStore } from '../../src/store/azure-store';
import { createStore } from '../../src/store/create-store';
import { StoreError } from '../../src/store/store-error';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { runStoreContract } from './store-contract';

const T0 = 1_700_000_000_000;
const DAY = 24 * 3600_000;
let azurite: RunningAzurite | undefined;

beforeAll(async () => {
  // No skip on failure: if Azurite cannot start, every test here fails with its output.
  azurite = await startAzurite();
}, 30_000);

afterAll(async () => {
  await azurite?.stop();
});

/** A fresh container and table per test keeps tests independent on one Azurite. */
const unique = () => `t${randomBytes(6).toString('hex')}`;

runStoreContract('AzureStore', async (clock, options) => {
  if (!azurite) throw new Error('Azurite did not start');
  return AzureStore.connect({
    connectionString: azurite.connectionString,
    container: unique(),
    table: unique(),
    clock,
    ...options,
    // The contract purges itself; the hourly background prune has a test of its own below.
    autoPruneAudit: false,
  });
});

describe('AzureStore specifics', () => {
  const connect = (names: { container: string; table: string }, clock = manualClock(T0)) => {
    if (!azurite) throw new Error('Azurite did not start');
    return AzureStore.connect({ connectionString: azurite.connectionString, ...names, clock });
  };

  it('creates its container and table, stores documents as JSON blobs and audit by day', async () => {
    const names = { container: unique(), table: unique() };
    const store = await connect(names);
    await store.put('run-cards', '42:19:abc@thread.v2', { messageId: 'm1' }, { ttlMs: 5000 });
    await store.appendAudit({
      actor: { id: 'ana', name: 'Ana' },
      action: 'deploy',
      detail: 'qa',
      outcome: 'ok',
    });

    const container = BlobServiceClient.fromConnectionString(
      azurite!.connectionString,
    ).getContainerClient(names.container);
    const blobs = [];
    for await (const blob of container.listBlobsFlat({ includeMetadata: true })) blobs.push(blob);
    expect(blobs.map((b) => [b.name, b.metadata?.expiresat])).toEqual([
      ['run-cards/42!3A19!3Aabc!40thread!2Ev2', String(T0 + 5000)],
    ]);
    const body = await container.getBlobClient(blobs[0]!.name).downloadToBuffer();
    expect(JSON.parse(body.toString())).toEqual({ messageId: 'm1' });

    const table = TableClient.fromConnectionString(azurite!.connectionString, names.table, {
      allowInsecureConnection: true,
    });
    const entities = [];
    for await (const entity of table.listEntities<{ day: string; actorId: string }>())
      entities.push(entity);
    expect(entities).toEqual([
      expect.objectContaining({ day: new Date(T0).toISOString().slice(0, 10), actorId: 'ana' }),
    ]);
    await store.close();
    // Connecting again to existing resources is fine.
    const again = await connect(names);
    expect((await again.get('run-cards', '42:19:abc@thread.v2'))?.value).toEqual({
      messageId: 'm1',
    });
    await again.close();
  });

  it('keeps two replicas on the same account consistent', async () => {
    const names = { container: unique(), table: unique() };
    const clock = manualClock(T0);
    const [a, b] = [await connect(names, clock), await connect(names, clock)];
    const created = await Promise.all([
      a.put('locks', 'prod', 'a', { etag: null }),
      b.put('locks', 'prod', 'b', { etag: null }),
    ]);
    expect(created.filter((r) => r.ok)).toHaveLength(1);
    const doc = await a.get('locks', 'prod');
    expect((await b.put('locks', 'prod', 'b2', { etag: doc!.etag })).ok).toBe(true);
    expect((await a.put('locks', 'prod', 'a2', { etag: doc!.etag })).ok).toBe(false);

    const leases = await Promise.all([
      a.acquireLease('poller', 'a', 1000),
      b.acquireLease('poller', 'b', 1000),
    ]);
    expect(leases.filter(Boolean)).toHaveLength(1);

    for (let i = 0; i < 4; i++) await a.enqueue('events', `e${i}`, i);
    expect(await b.enqueue('events', 'e0', 'dup')).toBe(false);
    const claims = await Promise.all([a.claim('events', 3, 1000), b.claim('events', 3, 1000)]);
    expect(
      claims
        .flat()
        .map((i) => i.id)
        .sort(),
    ).toEqual(['e0', 'e1', 'e2', 'e3']);
    await a.close();
    await b.close();
  });

  it('purges expired documents only', async () => {
    const clock = manualClock(T0);
    const store = await connect({ container: unique(), table: unique() }, clock);
    await store.put('dedupe', 'old', 1, { ttlMs: 10 });
    await store.put('dedupe', 'fresh', 1, { ttlMs: 60_000 });
    await store.put('settings', 'forever', 1);
    clock.advance(10);
    expect(await store.purgeExpired()).toBe(1);
    expect(await store.purgeExpired()).toBe(0);
    expect((await store.list('dedupe')).map((d) => d.key)).toEqual(['fresh']);
    expect(await store.get('settings', 'forever')).toBeDefined();
    await store.close();
  });

  it('prunes the audit log past retention in the background, on the first append and hourly', async () => {
    const names = { container: unique(), table: unique() };
    const clock = manualClock(T0);
    const store = await connect(names, clock);
    // The same table through a store that keeps 1,000 days: what is physically left.
    const all = await AzureStore.connect({
      connectionString: azurite!.connectionString,
      ...names,
      clock,
      auditRetentionDays: 1000,
      autoPruneAudit: false,
    });
    const left = async () => (await all.queryAudit()).map((r) => r.action);
    const append = (action: string, at?: number) =>
      store.appendAudit({
        ...(at !== undefined && { at }),
        actor: { id: 'ana', name: 'Ana' },
        action,
        detail: '',
        outcome: 'ok',
      });
    try {
      await append('91 days old', T0 - 91 * DAY);
      for (let i = 0; i < 100 && (await left()).length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await left()).toEqual([]);

      await append('also 91 days old', T0 - 91 * DAY);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await left()).toEqual(['also 91 days old']);

      clock.advance(3600_000);
      await append('an hour later');
      await store.close();
      expect(await left()).toEqual(['an hour later']);
    } finally {
      await store.close();
      await all.close();
    }
  });

  it('rejects use after close and a malformed connection string', async () => {
    const store = await connect({ container: unique(), table: unique() });
    await store.close();
    await expect(store.get('settings', 'k')).rejects.toMatchObject({ code: 'closed' });
    await expect(
      AzureStore.connect({ connectionString: 'not a connection string' }),
    ).rejects.toBeInstanceOf(StoreError);
  });

  it('is what createStore builds for kind azure', async () => {
    const store = await createStore({
      kind: 'azure',
      azureConnectionString: azurite!.connectionString,
      azureContainer: unique(),
      azureTable: unique(),
    });
    expect(store).toBeInstanceOf(AzureStore);
    expect((await store.put('settings', 'k', 1)).ok).toBe(true);
    await store.close();
    await expect(createStore({ kind: 'azure' })).rejects.toMatchObject({ code: 'config' });
  });
});
