import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { manualClock } from '../../src/clock/clock';
import { AzureStore } from '../../src/store/azure-store';
import { MemoryPoison } from '../../src/store/memory-poison';
import { SqlitePoison } from '../../src/store/sqlite-poison';
import { SqliteStore } from '../../src/store/sqlite-store';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { type PoisonStore, runPoisonContract } from './poison-contract';

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

// The SQLite store as it will be once wired: its poison table on a second real connection.
runPoisonContract('SqliteStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'poison-'));
  dirs.push(dir);
  const path = join(dir, 'chatops.db');
  const clock = manualClock(Date.now());
  const store = SqliteStore.open({ path, clock });
  const db = new Database(path);
  const poison = new SqlitePoison(db);
  const composed: PoisonStore = {
    enqueue: (q, id, payload, opts) => store.enqueue(q, id, payload, opts),
    claim: (q, limit, ms) => store.claim(q, limit, ms),
    queueLength: (q) => store.queueLength(q),
    deadLetter: async (q, id, error) => poison.deadLetter(q, id, error, clock.now()),
    listPoison: async (q, limit) => poison.list(q, limit),
    close: async () => {
      db.close();
      await store.close();
    },
  };
  return composed;
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
