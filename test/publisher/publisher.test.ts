import type { TurnContext } from 'botbuilder';
import { TeamsChannel, type ProactiveAdapter } from '../../src/bot/teams-channel';
import { getRunCard, rememberRunCard } from '../../src/conversations/run-card';
import { DeliveryDeferredError, DeliveryFailedError } from '../../src/publisher/delivery-errors';
import { OUTBOX_QUEUE } from '../../src/publisher/outbox';
import { Publisher } from '../../src/publisher/publisher';
import { MemoryStore } from '../../src/store/memory-store';
import {
  CHANNEL,
  manualClock,
  saveConversations,
  testLogger,
} from '../notifications/notification-fixtures';

/** Like botframework-connector's RestError: statusCode + response.headers.get. */
function restError(status: number, headers: Record<string, string> = {}) {
  const err = new Error(`fake ${status}`) as Error & Record<string, unknown>;
  err.statusCode = status;
  err.response = { status, headers: { get: (n: string) => headers[n.toLowerCase()] } };
  return err;
}

class FakeAdapter implements ProactiveAdapter {
  failures: unknown[] = [];
  sent: { kind: string; conversationId: string; id?: string }[] = [];
  private n = 1;
  async continueConversationAsync(
    _appId: string,
    reference: { conversation?: { id?: string } },
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    const conversationId = reference.conversation?.id ?? '';
    const context = {
      activity: { conversation: reference.conversation },
      sendActivity: async () => {
        const id = `m-${this.n++}`;
        this.sent.push({ kind: 'send', conversationId, id });
        return { id };
      },
      updateActivity: async (a: { id?: string }) => {
        this.sent.push({ kind: 'update', conversationId, id: a.id });
      },
    } as unknown as TurnContext;
    await logic(context);
  }
}

async function setup(maxAttempts = 4) {
  const clock = manualClock(Date.parse('2026-11-26T10:00:00Z'));
  const store = new MemoryStore({ clock });
  await saveConversations(store);
  const adapter = new FakeAdapter();
  const sleeps: number[] = [];
  const { logger } = testLogger();
  // The real publisher over the real Teams channel; only the adapter's connector is fake.
  const sender = new Publisher({
    channel: new TeamsChannel({ adapter, botAppId: '', store, clock }),
    store,
    clock,
    logger,
    maxAttempts,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { clock, store, adapter, sleeps, sender };
}

describe('Publisher over the Teams channel', () => {
  it('sends and updates through the stored reference', async () => {
    const t = await setup();
    const id = await t.sender.send(CHANNEL, { type: 'message', text: 'hi' });
    await t.sender.update(CHANNEL, id, { type: 'message', text: 'bye' });
    expect(t.adapter.sent).toEqual([
      { kind: 'send', conversationId: CHANNEL, id: 'm-1' },
      { kind: 'update', conversationId: CHANNEL, id: 'm-1' },
    ]);
  });

  it('waits Retry-After on 429 and backs off exponentially on 5xx and resets', async () => {
    const t = await setup();
    t.adapter.failures.push(
      restError(429, { 'retry-after': '2' }),
      restError(503),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    );
    await expect(t.sender.send(CHANNEL, { type: 'message' })).resolves.toBe('m-1');
    expect(t.sleeps).toEqual([2000, 1000, 2000]);
    expect(t.adapter.sent).toHaveLength(1);
  });

  it('reads a Retry-After date against the clock', async () => {
    const t = await setup();
    t.adapter.failures.push(restError(429, { 'retry-after': 'Thu, 26 Nov 2026 10:00:03 GMT' }));
    await expect(t.sender.send(CHANNEL, { type: 'message' })).resolves.toBe('m-1');
    expect(t.sleeps).toEqual([3000]);
  });

  it('does not retry what the channel refuses for good, nor unknown conversations', async () => {
    const t = await setup();
    t.adapter.failures.push(restError(403));
    await expect(t.sender.send(CHANNEL, { type: 'message' })).rejects.toBeInstanceOf(
      DeliveryFailedError,
    );
    await expect(t.sender.send('19:nope', { type: 'message' })).rejects.toThrow(
      'no stored conversation',
    );
    expect(t.sleeps).toEqual([]);
    expect(await t.store.queueLength(OUTBOX_QUEUE)).toBe(0);
  });

  it('a slow drain hands back what it has not reached before its claim could lapse', async () => {
    const t = await setup();
    await t.sender.defer(CHANNEL, { type: 'message', text: 'one' });
    t.clock.advance(1);
    await t.sender.defer(CHANNEL, { type: 'message', text: 'two' });
    const deliver = t.adapter.continueConversationAsync.bind(t.adapter);
    t.adapter.continueConversationAsync = async (...args) => {
      t.clock.advance(41_000); // a channel answering slowly
      return deliver(...args);
    };
    expect(await t.sender.drainOutbox()).toEqual({ delivered: 1, pending: 1 });
    expect(t.adapter.sent).toHaveLength(1);
    // Visible again at once, for whichever replica drains next.
    expect(await t.store.claim(OUTBOX_QUEUE, 10, 1_000)).toHaveLength(1);
  });

  it('keeps what outlasts the retries in the outbox and delivers it later', async () => {
    const t = await setup(2);
    t.adapter.failures.push(restError(503), restError(503), restError(503), restError(503));
    const tag = { runCard: { runId: 7, lastStateHash: '10001:abc', lastUpdate: t.clock.now() } };
    const first = t.sender.send(CHANNEL, { type: 'message', text: 'card' }, tag);
    await expect(first).rejects.toBeInstanceOf(DeliveryDeferredError);
    t.clock.advance(1);
    await expect(t.sender.update(CHANNEL, 'm-9', { type: 'message' })).rejects.toBeInstanceOf(
      DeliveryDeferredError,
    );
    expect(await t.sender.outboxLength()).toBe(2);
    expect(t.adapter.sent).toEqual([]);

    t.adapter.failures.push(restError(503)); // still down for the first item
    expect(await t.sender.drainOutbox()).toEqual({ delivered: 1, pending: 1 });
    t.clock.advance(60_000);
    expect(await t.sender.drainOutbox()).toEqual({ delivered: 1, pending: 0 });
    expect(t.adapter.sent.map((s) => s.kind)).toEqual(['update', 'send']);
    expect(await t.sender.outboxLength()).toBe(0);
    // The deferred run card was remembered once it landed.
    expect(await getRunCard(t.store, 7, CHANNEL)).toMatchObject({
      activityId: 'm-1',
      lastStateHash: '10001:abc',
    });
  });

  it('drops an outbox update that a newer card state superseded', async () => {
    const t = await setup(1);
    t.adapter.failures.push(restError(500));
    const old = { runCard: { runId: 8, lastStateHash: '10001:old', lastUpdate: t.clock.now() } };
    await expect(t.sender.update(CHANNEL, 'm-5', { type: 'message' }, old)).rejects.toBeInstanceOf(
      DeliveryDeferredError,
    );
    await rememberRunCard(t.store, {
      runId: 8,
      conversationId: CHANNEL,
      activityId: 'm-5',
      lastUpdate: t.clock.now() + 10,
      lastStateHash: '30006:new',
    });
    expect(await t.sender.drainOutbox()).toEqual({ delivered: 0, pending: 0 });
    expect(t.adapter.sent).toEqual([]);
  });
});
