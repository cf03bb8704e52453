import { messageActivity, postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';

describe('per-person rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CHATOPS_RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers a flood with a friendly card and still serves someone else', async () => {
    for (let i = 0; i < 3; i++) {
      await postActivity(
        t.app.url,
        messageActivity('help', { serviceUrl: t.connector.url, conversationId: 'a:flood' }),
      );
    }
    const replies = await t.connector.waitFor(3, (c) => c.conversationId === 'a:flood');
    const texts = replies.map((r) => JSON.stringify(r.activity.attachments));
    expect(texts.filter((x) => x.includes('Slow down a little'))).toHaveLength(2);
    expect(texts[0]).toContain('What I can do');

    const other = { id: '29:other', name: 'Other Person' };
    await postActivity(
      t.app.url,
      messageActivity('help', {
        serviceUrl: t.connector.url,
        conversationId: 'a:other',
        from: other,
      }),
    );
    const [reply] = await t.connector.waitFor(1, (c) => c.conversationId === 'a:other');
    expect(JSON.stringify(reply!.activity.attachments)).toContain('What I can do');
  });
});
