import { text } from '../support/card-inspection';
import { messageActivity, postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';

describe('a look-up of a run whose card is already in the chat', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers `status <run>` with a new message at the bottom, which then stays live', async () => {
    const conversationId = 'a:look-up-1';
    const say = (words: string) =>
      postActivity(
        t.app.url,
        messageActivity(words, { serviceUrl: t.connector.url, conversationId }),
      );
    const posts = () =>
      t.connector.calls.filter((c) => c.conversationId === conversationId && c.method === 'POST');
    await say('deploy custom-qa model v3');
    const [first] = await t.connector.waitFor(
      1,
      (c) => c.conversationId === conversationId && c.method === 'POST',
    );
    const runId = /#(\d+)/.exec(text(first!))?.[1];
    expect(runId).toBeDefined();

    const before = t.connector.calls.length;
    await say(`status ${runId}`);
    const [answer] = await t.connector.waitFor(
      1,
      (c) =>
        t.connector.calls.indexOf(c) >= before &&
        c.conversationId === conversationId &&
        c.method === 'POST' &&
        text(c).includes('[Manual]-[Custom-QA]-Deploy') &&
        !text(c).includes('finished:'),
    );
    // The answer is this run's card, posted as a new message (not only an update far up).
    expect(text(answer!)).toContain(`#${runId}`);
    expect(text(answer!)).toContain('[Manual]-[Custom-QA]-Deploy');
    expect(posts().indexOf(answer!)).toBe(posts().length - 1);

    // Notifications now keep the new answer live: it reaches Succeeded in place.
    const done = await t.connector.waitFor(
      1,
      (c) => c.method === 'PUT' && c.id === answer!.id && text(c).includes('Succeeded'),
      20_000,
    );
    expect(done).toHaveLength(1);
  });
});
