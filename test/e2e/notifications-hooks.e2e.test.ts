import { text } from '../support/card-inspection';
import {
  catalog,
  SECRET,
  startHarness,
  subscribe,
  queueProd,
  approveWhenPending,
  settle,
  inConv,
  post,
  basic,
  type Harness,
} from './notifications-rig';
import { EventProcessor } from '../../src/notifications/event-processor';
import { systemClock } from '../../src/clock/clock';
import { getRunCard } from '../../src/conversations/run-card';
import { testLogger } from '../notifications/notification-fixtures';

describe('notifications end to end (service hooks)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ hooks: true, taskMs: 15 });
    await subscribe(h.store, '19:ops@thread.tacv2', { pipelines: ['prod'] });
    await subscribe(h.store, '19:failures@thread.tacv2', { results: ['failed'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('a prod run gives ONE live card in the channel, an approval card, a completion update and a personal message', async () => {
    const run = await queueProd(h, 'e2e-1');
    await approveWhenPending(h, run.id);
    const ops = '19:ops@thread.tacv2';
    await h.connector.waitFor(
      1,
      (c) => c.conversationId === 'a:alex' && text(c).includes('Your deploy'),
      15_000,
    );
    await settle(h);

    const calls = inConv(h, ops);
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(2); // the run card and the approval card
    // The run card is the one the store remembers as the run's card here (the approval card
    // names the stage, Deploy Production, too).
    const remembered = await getRunCard(h.store, run.id, ops);
    const runCard = posts.find((c) => c.id === remembered?.activityId)!;
    expect(runCard).toBeDefined();
    const approvalCard = posts.find((c) => c !== runCard)!;
    expect(text(approvalCard)).toContain('Waiting for approval');
    const runUpdates = calls.filter((c) => c.method === 'PUT' && c.id === runCard.id);
    expect(runUpdates.length).toBeGreaterThanOrEqual(2);
    expect(text(runUpdates.at(-1)!)).toContain('Succeeded');
    // It showed the approval wait at some point (posted or updated), then the result.
    expect([runCard, ...runUpdates].some((c) => text(c).includes('Waiting for approval'))).toBe(
      true,
    );
    // Every PUT is an in-place update of one of the two posted cards.
    expect(
      calls
        .filter((c) => c.method === 'PUT')
        .every((c) => c.id === runCard.id || c.id === approvalCard.id),
    ).toBe(true);
    expect(
      calls.some(
        (c) => c.method === 'PUT' && c.id === approvalCard.id && text(c).includes('Approved'),
      ),
    ).toBe(true);

    expect(inConv(h, '19:failures@thread.tacv2')).toEqual([]);
    // Alex's chat (he asked there): the approval card, which says who decided once decided,
    // then how the run ended.
    const personal = inConv(h, 'a:alex').filter((c) => c.method === 'POST');
    expect(personal).toHaveLength(2);
    expect(text(personal[0]!)).toContain('Waiting for approval by');
    expect(text(personal[1]!)).toContain('Your deploy to Production succeeded');
    expect(
      inConv(h, 'a:alex').some(
        (c) => c.method === 'PUT' && c.id === personal[0]!.id && text(c).includes('Approved'),
      ),
    ).toBe(true);
  });

  it('redeliveries (3×, out of order) and a processor restart change nothing', async () => {
    const before = h.connector.calls.length;
    const bodies = h.emu.hooks
      .deliveries()
      .filter((d) => d.ok)
      .map((d) => JSON.stringify(d.body))
      .reverse();
    await h.notifications.processor.stop();
    for (let i = 0; i < 3; i++) {
      for (const body of bodies) {
        const res = await post(`${h.url}/api/ado-events`, body, {
          'content-type': 'application/json',
          authorization: basic(SECRET),
        });
        expect(res.status).toBe(200);
      }
    }
    const { logger } = testLogger();
    const restarted = new EventProcessor({
      store: h.store,
      devops: h.devops,
      catalog,
      clock: systemClock,
      logger,
      publisher: h.notifications.publisher,
    });
    await restarted.drain();
    expect(await h.store.queueLength('ado-events')).toBe(0);
    expect(h.connector.calls.length).toBe(before);
    h.notifications.processor.start();
  });

  it('429 with Retry-After and 503s still deliver every notification exactly once', async () => {
    const before = h.connector.calls.length;
    h.connector.failNext(2, 429, { 'Retry-After': '1' });
    h.connector.failNext(2, 503);
    const run = await queueProd(h, 'e2e-2');
    await approveWhenPending(h, run.id);
    await h.connector.waitFor(
      1,
      (c) =>
        c.conversationId === 'a:alex' &&
        text(c).includes('Your deploy') &&
        text(c).includes(`buildId=${run.id}`),
      25_000,
    );
    await settle(h);
    // Which sends meet the four failures is a race: one that met all four waits in the outbox,
    // which the notifications' outbox timer (200 ms here) delivers after its back-off. Nothing
    // may stay there, and nothing may arrive twice (below).
    const deadline = Date.now() + 20_000;
    while ((await h.notifications.publisher.outboxLength()) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await h.notifications.publisher.outboxLength()).toBe(0);
    await settle(h);
    const calls = h.connector.calls.slice(before);
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts.filter((c) => c.conversationId === '19:ops@thread.tacv2')).toHaveLength(2);
    // Alex's chat: the approval card and the completion message.
    expect(posts.filter((c) => c.conversationId === 'a:alex')).toHaveLength(2);
    const remembered = await getRunCard(h.store, run.id, '19:ops@thread.tacv2');
    const runCard = posts.find((c) => c.id === remembered?.activityId)!;
    expect(runCard).toBeDefined();
    const last = calls.filter((c) => c.method === 'PUT' && c.id === runCard.id).at(-1)!;
    expect(text(last)).toContain('Succeeded');
  }, 60_000);

  it('refuses bad deliveries (401/401/400/400/413), acknowledges unhandled types, keeps answering /healthz', async () => {
    const ok = JSON.stringify({ id: 'x1', eventType: 'git.push', resource: {} });
    const json = { 'content-type': 'application/json' };
    expect(
      (await post(`${h.url}/api/ado-events`, ok, { ...json, authorization: basic('wrong') }))
        .status,
    ).toBe(401);
    expect((await post(`${h.url}/api/ado-events`, ok, json)).status).toBe(401);
    expect(
      (
        await post(`${h.url}/api/ado-events`, '{"id": "x", oops', {
          ...json,
          'x-chatops-secret': SECRET,
        })
      ).status,
    ).toBe(400);
    // A type the bot does not handle is acknowledged (a 4xx would put the subscription on
    // probation) and not stored.
    const unknown = await post(`${h.url}/api/ado-events`, ok, {
      ...json,
      'x-chatops-secret': SECRET,
    });
    expect(unknown.status).toBe(200);
    expect(JSON.parse(unknown.body)).toEqual({ status: 'ignored' });
    const typeless = JSON.stringify({ id: 'x2', resource: {} });
    expect(
      (await post(`${h.url}/api/ado-events`, typeless, { ...json, 'x-chatops-secret': SECRET }))
        .status,
    ).toBe(400);
    const huge = Buffer.alloc(5 * 1024 * 1024, 'a');
    expect(
      (await post(`${h.url}/api/ado-events`, huge, { ...json, 'x-chatops-secret': SECRET })).status,
    ).toBe(413);
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(h.lines.join('')).not.toContain(SECRET);
  });
});
