import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { systemClock } from '../../src/clock/clock';
import { AzureStore } from '../../src/store/azure-store';
import { AzureStorageQueues } from '../../src/store/azure-storage-queues';
import type { QueueItem } from '../../src/store/store';
import { startAzurite, type RunningAzurite } from '../support/azurite';

let azurite: RunningAzurite | undefined;

beforeAll(async () => {
  azurite = await startAzurite();
}, 30_000);

afterAll(async () => {
  await azurite?.stop();
});

const unique = () => `t${randomBytes(6).toString('hex')}`;

/** Two replicas on one account, as in production: no injected clock, so Azure's primitives. */
async function twoReplicas() {
  if (!azurite) throw new Error('Azurite did not start');
  const names = { container: unique(), table: unique() };
  const connect = () =>
    AzureStore.connect({ connectionString: azurite!.connectionString, ...names });
  return { names, a: await connect(), b: await connect() };
}

/** Claims until something comes back or `withinMs` passes (visibility is timed by Azurite). */
async function claimWithin<T>(store: AzureStore, queue: string, withinMs: number) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const got = await store.claim<T>(queue, 10, 1000);
    if (got.length || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('AzureStore queues on Azure Storage Queues (server time)', () => {
  it('enqueues idempotently into a storage queue and counts Azure dequeues as attempts', async () => {
    const { names, a, b } = await twoReplicas();
    expect(await a.enqueue('events', 'e1', { n: 1 })).toBe(true);
    expect(await b.enqueue('events', 'e1', { n: 2 })).toBe(false);
    expect(await a.queueLength('events')).toBe(1);
    const queue = QueueServiceClient.fromConnectionString(azurite!.connectionString).getQueueClient(
      `${names.table}-events`,
    );
    expect((await queue.getProperties()).approximateMessagesCount).toBe(1);

    const before = Date.now();
    const [item] = await b.claim<{ n: number }>('events', 10, 1000);
    expect(item).toMatchObject({ id: 'e1', payload: { n: 1 }, attempts: 1 });
    expect(item!.availableAt).toBeGreaterThanOrEqual(before);
    expect(await a.claim('events', 10, 1000)).toEqual([]);
    // Not completed in time: it comes back, with a second attempt counted by Azure.
    const [again] = await claimWithin<{ n: number }>(a, 'events', 5000);
    expect(again).toMatchObject({ id: 'e1', attempts: 2 });
    // The pop receipt from a's claim completes it; the id may then be queued again.
    await a.complete('events', 'e1');
    expect(await a.queueLength('events')).toBe(0);
    expect(await b.enqueue('events', 'e1', { n: 3 })).toBe(true);
    await Promise.all([a.close(), b.close()]);
  }, 20_000);

  it('adds one message for an id enqueued at once on both replicas, and no claim sees a duplicate', async () => {
    const { a, b } = await twoReplicas();
    const claims: QueueItem<number>[] = [];
    const claiming = (async () => {
      for (let i = 0; i < 10; i++) claims.push(...(await b.claim<number>('events', 10, 30_000)));
    })();
    const added = await Promise.all(
      [a, b, a, b, a, b].map((s, i) => s.enqueue('events', 'hook-1', i)),
    );
    await claiming;
    claims.push(...(await a.claim<number>('events', 10, 30_000)));
    expect(added.filter(Boolean)).toHaveLength(1);
    expect(claims.map((c) => c.id)).toEqual(['hook-1']);
    expect(await a.queueLength('events')).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('holds an item back until availableAt, on enqueue and on release', async () => {
    const { a } = await twoReplicas();
    await a.enqueue('events', 'later', 'p', { availableAt: Date.now() + 1500 });
    expect(await a.claim('events', 1, 1000)).toEqual([]);
    const [item] = await claimWithin(a, 'events', 5000);
    expect(item).toMatchObject({ id: 'later', attempts: 1 });

    await a.release('events', 'later', Date.now() + 1500);
    expect(await a.claim('events', 1, 60_000)).toEqual([]);
    const [released] = await claimWithin(a, 'events', 5000);
    expect(released).toMatchObject({ id: 'later', attempts: 2 });
    await a.complete('events', 'later');
    expect(await a.queueLength('events')).toBe(0);
    await expect(a.complete('events', 'missing')).resolves.toBeUndefined();
    await expect(a.release('events', 'missing', Date.now())).resolves.toBeUndefined();
    await a.close();
  }, 20_000);

  it('gives each item to exactly one of several concurrent claimers on two replicas', async () => {
    const { a, b } = await twoReplicas();
    for (let i = 0; i < 6; i++) await a.enqueue('events', `e${i}`, i);
    const claims = await Promise.all([a, b, a, b].map((s) => s.claim<number>('events', 4, 30_000)));
    const ids = claims.flat().map((i: QueueItem<number>) => i.id);
    expect(ids.sort()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
    await Promise.all([a.close(), b.close()]);
  });

  it('moves an item given up on to the poison queue, where admins can read it', async () => {
    const { names, a } = await twoReplicas();
    await a.enqueue('ado-events', 'ev-1', { eventType: 'build.complete' });
    const [item] = await a.claim('ado-events', 1, 30_000);
    await a.deadLetter('ado-events', item!.id, 'failed 8 times: 500 from Teams');
    expect(await a.queueLength('ado-events')).toBe(0);
    expect(await a.listPoison('ado-events')).toEqual([
      {
        id: 'ev-1',
        payload: { eventType: 'build.complete' },
        attempts: 1,
        error: 'failed 8 times: 500 from Teams',
        failedAt: expect.any(Number),
      },
    ]);
    const poison = QueueServiceClient.fromConnectionString(
      azurite!.connectionString,
    ).getQueueClient(`${names.table}-ado-events-poison`);
    expect((await poison.getProperties()).approximateMessagesCount).toBe(1);
    await a.close();
  });

  it('moves an item received too often without an outcome (a crashing consumer) to poison', async () => {
    const { names } = await twoReplicas();
    const queues = new AzureStorageQueues(
      QueueServiceClient.fromConnectionString(azurite!.connectionString),
      names.table,
      TableClient.fromConnectionString(azurite!.connectionString, names.table, {
        allowInsecureConnection: true,
      }),
      systemClock,
      2,
    );
    await queues.enqueue('events', 'crash', 'boom');
    // Claimed twice and never completed or released, as by a replica that dies on it.
    expect((await queues.claim('events', 1, 1000)).map((i) => i.attempts)).toEqual([1]);
    const deadline = Date.now() + 5000;
    let second: QueueItem<unknown>[] = [];
    while (!second.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      second = await queues.claim('events', 1, 1000);
    }
    expect(second.map((i) => i.attempts)).toEqual([2]);
    // The third receive finds it poison: it is moved, not handed out.
    while ((await queues.listPoison('events')).length === 0 && Date.now() < deadline + 5000) {
      expect(await queues.claim('events', 1, 1000)).toEqual([]);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await queues.listPoison('events')).toEqual([
      expect.objectContaining({ id: 'crash', payload: 'boom', attempts: 2 }),
    ]);
    expect(await queues.length('events')).toBe(0);
  }, 20_000);

  it('does not count receives that ended in a release towards poison', async () => {
    const { names } = await twoReplicas();
    const queues = new AzureStorageQueues(
      QueueServiceClient.fromConnectionString(azurite!.connectionString),
      names.table,
      TableClient.fromConnectionString(azurite!.connectionString, names.table, {
        allowInsecureConnection: true,
      }),
      systemClock,
      1,
    );
    await queues.enqueue('outbox', 'waiting', 'card');
    // Released three times (as while a channel is down), then claimed again: still served.
    for (let attempt = 1; attempt <= 4; attempt++) {
      const [item] = await queues.claim('outbox', 1, 30_000);
      expect(item).toMatchObject({ id: 'waiting', attempts: attempt, payload: 'card' });
      if (attempt < 4) await queues.release('outbox', 'waiting', Date.now());
    }
    await queues.complete('outbox', 'waiting');
    expect(await queues.listPoison('outbox')).toEqual([]);
    expect(await queues.length('outbox')).toBe(0);
  });

  it('refuses an item too large for a storage queue message', async () => {
    const { a } = await twoReplicas();
    await expect(a.enqueue('outbox', 'big', 'x'.repeat(60_000))).rejects.toMatchObject({
      code: 'invalid',
    });
    await a.close();
  });
});
