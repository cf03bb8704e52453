import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../../src/clock/clock';
import { AzureStore } from '../../src/store/azure-store';
import { MemoryPoison } from '../../src/store/memory-poison';
import { MemoryStore } from '../../src/store/memory-store';
import { SqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { runPoisonContract } from './poison-contract';

const T0 = 1_700_000_000_000;
let azurite: RunningAzurite | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
}, 30_000);

afterAll(async () => {
  await azurite?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const unique = () => `t${randomBytes(6).toString('hex')}`;

function azure(options: { clock?: ReturnType<typeof manualClock> }) {
  if (!azurite) throw new Error('Azurite did not start');
  return AzureStore.connect({
    connectionString: azurite.connectionString,
    container: unique(),
    table: unique(),
    ...options,
  });
}

// Storage Queues (no injected clock: Azure's own primitives) and the Table queues.
runPoisonContract('AzureStore on Storage Queues', () => azure({}));
runPoisonContract('AzureStore on Table queues', () => azure({ clock: manualClock(Date.now()) }));

// The SQLite and memory stores through the Store port (the poison table comes by migration).
runPoisonContract('SqliteStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'poison-'));
  dirs.push(dir);
  return SqliteStore.open({ path: join(dir, 'chatops.db'), clock: manualClock(Date.now()) });
});
runPoisonContract('MemoryStore', async () => new MemoryStore({ clock: manualClock(Date.now()) }));

describe('dead letters keep no secrets', () => {
  // A DevOps PAT's shape: 52 base32 characters.
  const pat = 'abcdefghijklmnopqrstuvwxyz234567'.repeat(2).slice(0, 52);
  const error = `401 from https://dev.azure.com/org with Bearer abcdefghijklmnopqrstuvwxyz012345 and pat ${pat}`;

  it.each([
    ['MemoryStore', async () => new MemoryStore()],
    ['SqliteStore', async () => SqliteStore.open({ path: ':memory:' })],
    ['AzureStore', async () => azure({})],
  ] as const)('%s masks tokens in the kept error', async (_name, open) => {
    const store: Store = await open();
    try {
      await store.enqueue('ado-events', 'ev-s', { eventType: 'x' });
      await store.claim('ado-events', 1, 30_000);
      await store.deadLetter('ado-events', 'ev-s', error);
      const [kept] = await store.listPoison('ado-events');
      expect(kept?.error).toContain('401 from https://dev.azure.com/org');
      expect(kept?.error).not.toContain('abcdefghijklmnopqrstuvwxyz012345');
      expect(kept?.error).not.toContain(pat);
      expect(kept?.error).toContain('[REDACTED]');
    } finally {
      await store.close();
    }
  });
});

describe('MemoryPoison', () => {
  it('moves a row out of its queue map with its error and lists oldest first', () => {
    const clock = manualClock(T0);
    const poison = new MemoryPoison(clock);
    const items = new Map([
      ['e1', { json: '{"n":1}', attempts: 8 }],
      ['e2', { json: '"two"', attempts: 1 }],
    ]);
    poison.deadLetter(items, 'ado-events', 'e1', 'failed 8 times');
    clock.advance(5);
    poison.deadLetter(items, 'ado-events', 'e2', 'y'.repeat(3000));
    poison.deadLetter(items, 'ado-events', 'missing', 'no');
    expect(items.size).toBe(0);
    const listed = poison.list<unknown>('ado-events');
    expect(listed.map((p) => [p.id, p.payload, p.attempts, p.failedAt])).toEqual([
      ['e1', { n: 1 }, 8, T0],
      ['e2', 'two', 1, T0 + 5],
    ]);
    expect(listed[0]!.error).toBe('failed 8 times');
    expect(listed[1]!.error).toHaveLength(2000);
    expect(poison.list('ado-events', 1)).toHaveLength(1);
    expect(poison.list('outbox')).toEqual([]);
    // A copy: changing what was listed does not change what is kept.
    (listed[0]!.payload as { n: number }).n = 99;
    expect(poison.list('ado-events')[0]!.payload).toEqual({ n: 1 });
  });
});
