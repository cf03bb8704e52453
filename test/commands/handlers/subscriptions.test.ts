import { ENGINEER, cardOf, factsOf, handlerHarness } from './handler-harness';

describe('subscribe, unsubscribe, subscriptions', () => {
  it('subscribe prod failed branch main: added once, listed, removed', async () => {
    const h = handlerHarness();
    const added = await h.run('subscribe prod failed branch main', { actor: ENGINEER });
    const msg = cardOf(added, 'message');
    expect(msg.title).toBe('🔔 Subscribed');
    expect(msg.text).toBe('This chat will hear about deploys to prod: failures only, branch main.');
    const id = factsOf(added)['Subscription id']!;
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cardOf(await h.run('subscribe prod failed branch main'), 'message').title).toBe(
      'Already subscribed',
    );
    const list = cardOf(await h.run('subscriptions'), 'list');
    expect(list.rows.map((r) => r.cells[0])).toEqual([id]);
    expect(list.subtitle).toBe('Set up by Eli Engineer');
    const other = cardOf(await h.run('subscriptions', { conversationId: 'conv-2' }), 'list');
    expect(other.hasRows).toBe(false);
    expect(cardOf(await h.run(`unsubscribe ${id}`), 'message').text).toBe(
      'Removed 1 subscription from this chat.',
    );
    expect(cardOf(await h.run('unsubscribe'), 'message').text).toBe(
      'This chat has no subscriptions.',
    );
    expect((await h.store.queryAudit()).map((e) => e.action)).toEqual([
      'unsubscribe',
      'unsubscribe',
      'subscribe',
      'subscribe',
    ]);
  });
});
