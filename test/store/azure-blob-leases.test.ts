import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { AzureStore } from '../../src/store/azure-store';
import { blobLeaseSeconds, holderLeaseId } from '../../src/store/azure-blob-leases';
import { startAzurite, type RunningAzurite } from '../support/azurite';

let azurite: RunningAzurite | undefined;

beforeAll(async () => {
  azurite = await startAzurite();
}, 30_000);

afterAll(async () => {
  await azurite?.stop();
});

const unique = () => `t${randomBytes(6).toString('hex')}`;

/** Two replicas on one account, each with its own client, as in production (no injected clock). */
async function twoReplicas() {
  if (!azurite) throw new Error('Azurite did not start');
  const names = { container: unique(), table: unique() };
  const connect = () =>
    AzureStore.connect({ connectionString: azurite!.connectionString, ...names });
  return { names, a: await connect(), b: await connect() };
}

/** The lease blob's state as Azure reports it. */
async function leaseState(container: string, name: string) {
  const props = await BlobServiceClient.fromConnectionString(azurite!.connectionString)
    .getContainerClient(`${container}-leases`)
    .getBlobClient(name)
    .getProperties();
  return { state: props.leaseState, duration: props.leaseDuration };
}

describe('AzureStore leases on Azure Blob leases (server time)', () => {
  it('maps a ttl onto 15-60 s and a holder onto one stable UUID', () => {
    expect([1, 1500, 15_000, 15_001, 30_000, 60_000, 90_000].map(blobLeaseSeconds)).toEqual([
      15, 15, 15, 16, 30, 60, 60,
    ]);
    expect(holderLeaseId('replica-a')).toBe(holderLeaseId('replica-a'));
    expect(holderLeaseId('replica-a')).not.toBe(holderLeaseId('replica-b'));
    expect(holderLeaseId('replica-a')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('takes a blob lease, refuses another replica and renews for the holder', async () => {
    const { names, a, b } = await twoReplicas();
    expect(await a.acquireLease('poller', 'replica-a', 1500)).toBe(true);
    expect(await leaseState(names.container, 'poller')).toEqual({
      state: 'leased',
      duration: 'fixed',
    });
    expect(await b.acquireLease('poller', 'replica-b', 1500)).toBe(false);
    // Who holds it is noted where the Table leases kept it, for people and tools.
    const note = await TableClient.fromConnectionString(azurite!.connectionString, names.table, {
      allowInsecureConnection: true,
    }).getEntity<{ holder: string; expiresAt: string }>('lease', 'poller');
    expect(note.holder).toBe('replica-a');
    expect(Number(note.expiresAt)).toBeGreaterThan(Date.now() + 10_000);
    // A holder renews from any replica process: the lease id comes from the holder alone.
    expect(await b.acquireLease('poller', 'replica-a', 1500)).toBe(true);
    expect(await a.acquireLease('poller', 'replica-a', 30_000)).toBe(true);
    expect(await a.acquireLease('other', 'replica-b', 1500)).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('releases only for the holder, and hands over once released', async () => {
    const { a, b } = await twoReplicas();
    await expect(a.releaseLease('never-taken', 'replica-a')).resolves.toBeUndefined();
    expect(await a.acquireLease('poller', 'replica-a', 30_000)).toBe(true);
    await b.releaseLease('poller', 'replica-b');
    expect(await b.acquireLease('poller', 'replica-b', 30_000)).toBe(false);
    await a.releaseLease('poller', 'replica-a');
    expect(await b.acquireLease('poller', 'replica-b', 30_000)).toBe(true);
    expect(await a.acquireLease('poller', 'replica-a', 30_000)).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });

  it('hands over a lease whose holder is gone once it is broken (as expiry would)', async () => {
    const { names, a, b } = await twoReplicas();
    expect(await a.acquireLease('poller', 'replica-a', 15_000)).toBe(true);
    // Expiry takes 15 s on the server's clock; breaking it is the same end state, at once.
    await BlobServiceClient.fromConnectionString(azurite!.connectionString)
      .getContainerClient(`${names.container}-leases`)
      .getBlobClient('poller')
      .getBlobLeaseClient()
      .breakLease(0);
    expect(await b.acquireLease('poller', 'replica-b', 15_000)).toBe(true);
    expect(await a.acquireLease('poller', 'replica-a', 15_000)).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });

  it('gives a contested lease, on a blob not yet created, to exactly one holder', async () => {
    const { a, b } = await twoReplicas();
    const won = await Promise.all(
      ['a', 'b', 'c', 'd'].map((h, i) => (i % 2 ? a : b).acquireLease('fresh', h, 15_000)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
  });
});
