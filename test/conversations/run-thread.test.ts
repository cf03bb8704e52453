import { RUN_CARD_TTL_MS } from '../../src/conversations/run-card';
import { getRunThread, rememberRunThread } from '../../src/conversations/run-thread';
import { storeCases, useStore } from '../locks/store-cases';

const OPS = '19:ops@thread.tacv2';

describe.each(storeCases)('run threads on %s', (_name, makeStore) => {
  const env = useStore(makeStore);

  it('has no thread until one is remembered, then that root per run and chat', async () => {
    expect(await getRunThread(env.store, 42, OPS)).toBeUndefined();
    expect(await rememberRunThread(env.store, 42, OPS, '1764400000001')).toBe('1764400000001');
    expect(await getRunThread(env.store, 42, OPS)).toBe('1764400000001');
    // Another run, another chat: their own threads.
    expect(await getRunThread(env.store, 43, OPS)).toBeUndefined();
    expect(await getRunThread(env.store, 42, '19:other@thread.tacv2')).toBeUndefined();
  });

  it('the first root wins: a second post of the run (another replica) joins it', async () => {
    const [a, b] = await Promise.all([
      rememberRunThread(env.store, 42, OPS, '1764400000001'),
      rememberRunThread(env.store, 42, OPS, '1764400000002'),
    ]);
    expect(a).toBe(b);
    expect(await getRunThread(env.store, 42, OPS)).toBe(a);
    expect(await rememberRunThread(env.store, 42, OPS, '1764400000003')).toBe(a);
  });

  it('replaces only the root named as gone; a newer root recorded meanwhile stands', async () => {
    await rememberRunThread(env.store, 42, OPS, 'gone');
    const fresh = await rememberRunThread(env.store, 42, OPS, 'fresh', { replacing: 'gone' });
    expect(fresh).toBe('fresh');
    // A replica that saw the old root fail too keeps the fresh one rather than a third thread.
    const late = await rememberRunThread(env.store, 42, OPS, 'late', { replacing: 'gone' });
    expect(late).toBe('fresh');
    expect(await getRunThread(env.store, 42, OPS)).toBe('fresh');
  });

  it('forgets a run thread with its cards', async () => {
    await rememberRunThread(env.store, 42, OPS, '1764400000001');
    env.clock.advance(RUN_CARD_TTL_MS + 1);
    expect(await getRunThread(env.store, 42, OPS)).toBeUndefined();
  });
});
