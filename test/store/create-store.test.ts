import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../../src/clock/clock';
import { createStore } from '../../src/store/create-store';
import { MemoryStore } from '../../src/store/memory-store';
import { SqliteStore } from '../../src/store/sqlite-store';

describe('createStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'create-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds a memory store on the given clock', async () => {
    const clock = manualClock(0);
    const store = await createStore({ kind: 'memory', clock });
    expect(store).toBeInstanceOf(MemoryStore);
    await store.put('dedupe', 'x', 1, { ttlMs: 10 });
    clock.advance(10);
    expect(await store.get('dedupe', 'x')).toBeUndefined();
  });

  it('builds a SQLite store at the given path', async () => {
    const path = join(dir, 'sub', 'store.db');
    const store = await createStore({ kind: 'sqlite', sqlitePath: path });
    expect(store).toBeInstanceOf(SqliteStore);
    await store.put('settings', 'k', 'v');
    await store.close();
    const reopened = await createStore({ kind: 'sqlite', sqlitePath: path });
    expect((await reopened.get('settings', 'k'))?.value).toBe('v');
    await reopened.close();
  });

  it('refuses an unknown kind and azure without a connection string', async () => {
    await expect(createStore({ kind: 'mongo' as 'memory' })).rejects.toMatchObject({
      code: 'config',
    });
    await expect(createStore({ kind: 'azure' })).rejects.toMatchObject({ code: 'config' });
  });
});
