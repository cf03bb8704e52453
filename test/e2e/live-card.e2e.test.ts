import { text } from '../support/card-inspection';
import { ALEX, cardActionActivity, messageActivity, postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';

describe('live cards in local mode (emulator hooks → /api/ado-events → cards updated in place)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps the one run card of `deploy custom-qa model v3` live until it succeeds', async () => {
    const conversationId = 'a:live-1';
    await postActivity(
      t.app.url,
      messageActivity('deploy custom-qa model v3', { serviceUrl: t.connector.url, conversationId }),
    );
    const [card] = await t.connector.waitFor(
      1,
      (c) => c.conversationId === conversationId && c.method === 'POST',
    );
    expect(text(card!)).toContain('[Manual]-[Custom-QA]-Deploy');
    const done = await t.connector.waitFor(
      1,
      (c) => c.method === 'PUT' && c.id === card!.id && text(c).includes('Succeeded'),
      20_000,
    );
    expect(done).toHaveLength(1);
    // One run card in that chat, updated in place, and nothing under it: the card already says
    // Succeeded, so no "your deploy finished" notice (that is for runs whose card is elsewhere).
    await new Promise((r) => setTimeout(r, 500));
    const posts = t.connector.calls.filter(
      (c) => c.conversationId === conversationId && c.method === 'POST',
    );
    expect(posts.map((p) => p.id)).toEqual([card!.id]);
  });

  it('subscribe in a channel, deploy prod, confirm, approve: one run card, an approval card, completion', async () => {
    const channel = '19:live-channel@thread.tacv2';
    const chat = (t2: string) =>
      messageActivity(t2, {
        serviceUrl: t.connector.url,
        conversationId: channel,
        conversationType: 'channel',
      });
    await postActivity(t.app.url, chat('subscribe'));
    await t.connector.waitFor(
      1,
      (c) => c.conversationId === channel && text(c).includes('Subscribed'),
    );
    await postActivity(t.app.url, chat('deploy prod model v3'));
    const [ask] = await t.connector.waitFor(
      1,
      (c) => c.conversationId === channel && text(c).includes('Deploy model v3 to Production?'),
    );
    const confirm = JSON.parse(text(ask!))
      .flatMap(
        (a: { content: { actions?: { verb?: string; data?: unknown }[] } }) =>
          a.content.actions ?? [],
      )
      .find((a: { verb?: string }) => a.verb === 'confirm.accept');
    const click = {
      ...cardActionActivity('confirm.accept', confirm.data, {
        serviceUrl: t.connector.url,
        conversationId: channel,
        conversationType: 'channel',
        from: ALEX,
      }),
      replyToId: ask!.id,
    };
    expect((await postActivity(t.app.url, click)).status).toBe(200);
    const [runCard] = await t.connector.waitFor(
      1,
      (c) =>
        c.conversationId === channel &&
        c.method === 'POST' &&
        text(c).includes('[Manual]-[Prod]-deployment') &&
        !text(c).includes('Deploy model v3 to Production?'),
    );
    const [approvalCard] = await t.connector.waitFor(
      1,
      (c) =>
        c.conversationId === channel &&
        c.method === 'POST' &&
        text(c).includes('Waiting for approval') &&
        c.id !== runCard!.id,
      20_000,
    );
    // Local mode: everyone approves, so the channel's card carries the Approve/Reject buttons.
    expect(text(approvalCard!)).toContain('approval.approve');
    await postActivity(t.app.url, chat('approve prod ship it'));
    await t.connector.waitFor(
      1,
      (c) => c.method === 'PUT' && c.id === runCard!.id && text(c).includes('Succeeded'),
      20_000,
    );
    await new Promise((r) => setTimeout(r, 300));
    // About this prod run, exactly: the confirm question, the run card (after Confirm), the
    // approval card (from the approval-pending event) and the answer to `approve` — no second
    // run card. (The channel also hears about other runs: it subscribed to everything.)
    const posts = t.connector.calls.filter(
      (c) =>
        c.conversationId === channel &&
        c.method === 'POST' &&
        text(c).includes('[Manual]-[Prod]-deployment'),
    );
    expect(posts.map((p) => p.id)).toEqual(
      expect.arrayContaining([ask!.id, runCard!.id, approvalCard!.id]),
    );
    expect(posts).toHaveLength(4);
  });
});
