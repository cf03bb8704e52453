import { addSubscription } from '../../src/subscriptions/add-subscription';
import { listSubscriptions } from '../../src/subscriptions/list-subscriptions';
import { removeSubscriptions } from '../../src/subscriptions/remove-subscriptions';
import { subscribersFor } from '../../src/subscriptions/subscribers-for';
import { storeCases, useStore } from '../locks/store-cases';

const ana = { id: 'aad-ana', name: 'Ana' };
const bo = { id: 'aad-bo', name: 'Bo' };
const ops = '19:ops@thread.tacv2';
const dm = 'a:1personal';

describe.each(storeCases)('subscriptions on %s', (_name, makeStore) => {
  const env = useStore(makeStore);
  const add = (conversationId: string, filter: Parameters<typeof addSubscription>[2]['filter']) =>
    addSubscription(env.store, env.clock, {
      conversationId,
      conversationType: conversationId === dm ? 'personal' : 'channel',
      actor: ana,
      filter,
    });

  it('adds filters, normalized, and lists them per conversation and overall', async () => {
    const r = await add(ops, { pipelines: ['qa', 'prod', 'qa'], branch: 'refs/heads/main' });
    expect(r).toMatchObject({
      outcome: 'added',
      filter: {
        pipelines: ['prod', 'qa'],
        environments: [],
        events: [],
        results: [],
        branch: 'main',
      },
    });
    expect(r.filter.id).toMatch(/^[0-9a-f]{8}$/);
    expect(r.filter.createdAt).toBe(1_000_000);
    await add(dm, { results: ['failed'] });

    const [sub] = await listSubscriptions(env.store, ops);
    expect(sub).toMatchObject({
      conversationId: ops,
      conversationType: 'channel',
      createdBy: ana,
      filters: [r.filter],
    });
    expect((await listSubscriptions(env.store)).map((s) => s.conversationId).sort()).toEqual(
      [ops, dm].sort(),
    );
    expect(await listSubscriptions(env.store, 'unknown')).toEqual([]);
  });

  it('does not add an identical filter twice, even written differently or concurrently', async () => {
    const first = await add(ops, { pipelines: ['prod'], results: ['failed'], branch: 'main' });
    const again = await add(ops, {
      pipelines: ['prod', 'prod'],
      results: ['failed'],
      branch: 'refs/heads/main',
    });
    expect(again).toEqual({ outcome: 'duplicate', filter: first.filter });

    const both = await Promise.all([
      add(ops, { environments: ['qa'] }),
      addSubscription(env.store, env.clock, {
        conversationId: ops,
        conversationType: 'channel',
        actor: bo,
        filter: { environments: ['qa'] },
      }),
    ]);
    expect(both.map((b) => b.outcome).sort()).toEqual(['added', 'duplicate']);
    expect((await listSubscriptions(env.store, ops))[0]?.filters).toHaveLength(2);
  });

  it('keeps both filters when two different ones are added concurrently', async () => {
    await Promise.all([add(ops, { pipelines: ['qa'] }), add(ops, { pipelines: ['prod'] })]);
    const [sub] = await listSubscriptions(env.store, ops);
    expect(sub?.filters.map((f) => f.pipelines[0]).sort()).toEqual(['prod', 'qa']);
  });

  it('removes one filter by id, then all, counting what went', async () => {
    const a = await add(ops, { pipelines: ['qa'] });
    await add(ops, { pipelines: ['prod'] });
    await add(ops, { pipelines: ['dev'] });
    expect(await removeSubscriptions(env.store, { conversationId: ops, filterId: 'nope' })).toBe(0);
    expect(
      await removeSubscriptions(env.store, { conversationId: ops, filterId: a.filter.id }),
    ).toBe(1);
    expect((await listSubscriptions(env.store, ops))[0]?.filters.map((f) => f.pipelines)).toEqual([
      ['prod'],
      ['dev'],
    ]);
    expect(await removeSubscriptions(env.store, { conversationId: ops })).toBe(2);
    expect(await listSubscriptions(env.store, ops)).toEqual([]);
    expect(await removeSubscriptions(env.store, { conversationId: ops })).toBe(0);
  });

  it('removing the last filter by id removes the subscription', async () => {
    const a = await add(ops, { pipelines: ['qa'] });
    expect(
      await removeSubscriptions(env.store, { conversationId: ops, filterId: a.filter.id }),
    ).toBe(1);
    expect(await listSubscriptions(env.store)).toEqual([]);
  });

  it('finds the conversations to notify, each once', async () => {
    await add(ops, { pipelines: ['prod'] });
    await add(ops, { results: ['failed'] });
    await add(dm, { pipelines: ['prod'], results: ['failed'] });
    await add('19:qa@thread.tacv2', { pipelines: ['qa'] });

    const failedProd = { pipelineKey: 'prod', kind: 'completed' as const, result: 'failed' };
    expect((await subscribersFor(env.store, failedProd)).sort()).toEqual([ops, dm].sort());
    expect(await subscribersFor(env.store, { pipelineKey: 'prod', kind: 'started' })).toEqual([
      ops,
    ]);
    expect(await subscribersFor(env.store, { pipelineKey: 'train', kind: 'started' })).toEqual([]);
  });
});
