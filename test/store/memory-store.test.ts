import { manualClock } from '../../src/clock/clock';
import { MemoryStore } from '../../src/store/memory-store';
import { runStoreContract } from './store-contract';

runStoreContract('MemoryStore', async (clock, options) => new MemoryStore({ clock, ...options }));

describe('MemoryStore specifics', () => {
  it('purges expired documents and rejects use after close', async () => {
    const clock = manualClock(0);
    const store = new MemoryStore({ clock });
    await store.put('dedupe', 'a', 1, { ttlMs: 5 });
    await store.put('dedupe', 'b', 1);
    clock.advance(5);
    expect(await store.purgeExpired()).toBe(1);
    expect((await store.list('dedupe')).map((d) => d.key)).toEqual(['b']);
    await store.close();
    await expect(store.get('dedupe', 'b')).rejects.toMatchObject({ code: 'closed' });
  });
});
