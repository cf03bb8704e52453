import { randomUUID } from 'node:crypto';
import { setDefaultNotificationChannel } from '../../src/conversations/default-notification-channel';
import { ALEX, cardActionActivity, messageActivity, postActivity } from '../support/activities';
import type { ConnectorCall } from '../support/fake-connector';
import { cardOf, executeActions, text } from '../support/card-inspection';
import { startTestApp, type TestApp } from '../support/start-test-app';

const CHANNEL = '19:retry-news@thread.tacv2';
const PERSONAL = 'a:alex-retry';

/** Whether a card the bot sent still offers Retry. */
const offersRetry = (c: ConnectorCall) =>
  executeActions(cardOf(c)).some((a) => a.verb === 'run.retry');

describe('Retry clicked in one chat: the failed run’s card in every chat stops offering it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const say = (words: string, conversationId: string) =>
    postActivity(
      t.app.url,
      messageActivity(words, {
        serviceUrl: t.connector.url,
        conversationId,
        conversationType: conversationId === CHANNEL ? 'channel' : 'personal',
      }),
    );
  /** Every update of the message `id` so far, oldest first. */
  const updatesOf = (id: string) =>
    t.connector.calls.filter((c) => c.method === 'PUT' && c.id === id);

  it('the requester’s card says "retried as #N" without Retry, and a late completion event keeps it so', async () => {
    // The team's channel heard the bot once and is the default channel (it hears failures).
    await say('help', CHANNEL);
    await t.connector.waitFor(1, (c) => c.conversationId === CHANNEL);
    await setDefaultNotificationChannel(t.app.store, CHANNEL);

    t.app.emulator!.engine.failNext('qa', { lines: ['ERROR: model file not found'] });
    await say('deploy qa model v3', PERSONAL);
    const [mine] = await t.connector.waitFor(
      1,
      (c) => c.conversationId === PERSONAL && c.method === 'POST' && text(c).includes('[QA]'),
    );
    const runId = Number(/"runId":(\d+)/.exec(text(mine!))?.[1]);
    expect(runId).toBeGreaterThan(0);
    // The failure: the requester's card turns Failed in place, the channel gets its own card.
    await t.connector.waitFor(
      1,
      (c) =>
        c.method === 'PUT' && c.id === mine!.id && text(c).includes('Failed') && offersRetry(c),
      20_000,
    );
    const [theirs] = await t.connector.waitFor(
      1,
      (c) =>
        c.conversationId === CHANNEL &&
        c.method === 'POST' &&
        text(c).includes('ERROR: model file not found') &&
        offersRetry(c),
      20_000,
    );

    // Retry, clicked in the channel, on the channel's card.
    const retry = executeActions(cardOf(theirs!)).find((a) => a.verb === 'run.retry')!;
    const click = {
      ...cardActionActivity('run.retry', retry.data, {
        serviceUrl: t.connector.url,
        conversationId: CHANNEL,
        conversationType: 'channel',
        from: ALEX,
      }),
      replyToId: theirs!.id,
    };
    expect((await postActivity(t.app.url, click)).status).toBe(200);

    // The requester's own card of the failed run follows, without anyone clicking there.
    const [marked] = await t.connector.waitFor(
      1,
      (c) => c.method === 'PUT' && c.id === mine!.id && text(c).includes('retried as #'),
      20_000,
    );
    expect(marked!.conversationId).toBe(PERSONAL);
    expect(offersRetry(marked!)).toBe(false);
    const retryId = Number(/retried as #(\d+)/.exec(text(marked!))?.[1]);
    expect(retryId).toBeGreaterThan(runId);
    expect(t.app.emulator!.engine.run(retryId)?.pipelineKey).toBe('qa');

    // The old run's completion told once more under another event id, as Azure DevOps does
    // with its build.complete after the run-state event (and a poll would).
    const completed = t.app
      .emulator!.hooks.deliveries()
      .find(
        (d) =>
          d.ok &&
          d.eventType === 'build.complete' &&
          (d.body.resource as { id?: number }).id === runId,
      );
    expect(completed).toBeDefined();
    const lateId = randomUUID();
    const late = await fetch(`${t.app.url}/api/ado-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...completed!.body, id: lateId }),
    });
    expect(late.status).toBe(200);
    await waitUntil(() =>
      t.logs.some((l) => l.includes(lateId) && l.includes('run event processed')),
    );
    await new Promise((r) => setTimeout(r, 300)); // an update it caused would be on its way

    // Neither card of the failed run offers Retry again: their last state says "retried as".
    for (const card of [mine!, theirs!]) {
      const last = updatesOf(card.id).at(-1)!;
      expect(text(last)).toContain(`Failed · retried as #${retryId}`);
      expect(offersRetry(last)).toBe(false);
    }
    // And no card of it was created anywhere else meanwhile.
    const posts = t.connector.calls.filter(
      (c) => c.method === 'POST' && text(c).includes(`"runId":${runId}`) && c !== theirs,
    );
    expect(posts.map((p) => p.id)).toEqual([mine!.id]);
  }, 60_000);
});

/** Polls `ok` every 50 ms; rejects after `timeoutMs`. */
async function waitUntil(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
