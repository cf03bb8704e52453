import { messageActivity, postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';

function cardText(activity: Record<string, unknown>): string {
  const attachments = (activity.attachments ?? []) as { content: unknown }[];
  return JSON.stringify(attachments.map((a) => a.content));
}

describe('audit failed through the real bot (local mode: everyone is an admin)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('a message the chat refused for good shows up for the admin who asks', async () => {
    const { store } = t.app;
    // What the outbox does with a message Teams answers 403 for (test/publisher/outbox.test.ts).
    await store.enqueue('outbox', 'out-e2e', {
      kind: 'send',
      conversationId: '19:gone@thread.tacv2',
      payload: {},
      createdAt: Date.now(),
      seq: 1,
    });
    await store.claim('outbox', 1, 60_000);
    await store.deadLetter('outbox', 'out-e2e', '403 from the channel: bot was removed');

    const activity = messageActivity('audit failed', {
      serviceUrl: t.connector.url,
      conversationId: 'a:dead-letters',
    });
    expect((await postActivity(t.app.url, activity)).status).toBe(200);
    const [reply] = await t.connector.waitFor(1, (c) => c.conversationId === 'a:dead-letters');
    const text = cardText(reply!.activity);
    expect(text).toContain('Given up on');
    expect(text).toContain('Teams message: message in 19:gone@thread.tacv2');
    expect(text).toContain('403 from the channel: bot was removed');
    expect(text).not.toContain('${');
  });
});
