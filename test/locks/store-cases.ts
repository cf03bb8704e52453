import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, manualClock } from '../../src/clock/clock';
import { MemoryStore } from '../../src/store/memory-store';
import { SqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';

/** The stores every domain test runs against: the reference fake and the default adapter. */
export const storeCases: [string, (clock: Clock) => Store][] = [
  ['MemoryStore', (clock) => new MemoryStore({ clock })],
  [
    'SqliteStore',
    (clock) => {
      const dir = mkdtempSync(join(tmpdir(), 'chatops-domain-'));
      const store = SqliteStore.open({ path: join(dir, 'chatops.db'), clock });
      const close = store.close.bind(store);
      store.close = async () => {
        await close();
        rmSync(dir, { recursive: true, force: true });
      };
      return store;
    },
  ],
];

/**
 * A fresh store and manual clock per test, closed afterwards.
 * @example const env = useStore(makeStore); it('…', async () => { await acquireLock(env.store, env.clock, …) });
 */
export function useStore(makeStore: (clock: Clock) => Store) {
  const env = {} as { store: Store; clock: ReturnType<typeof manualClock> };
  beforeEach(() => {
    env.clock = manualClock(1_000_000);
    env.store = makeStore(env.clock);
  });
  afterEach(async () => {
    await env.store.close();
  });
  return env;
}
