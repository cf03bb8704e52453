import { messageActivity, postActivity } from '../support/activities';
import { runCardRunId, text } from '../support/card-inspection';
import { startTestApp, type TestApp } from '../support/start-test-app';

/**
 * Someone deletes the bot's run card in the chat while the run goes on (or the chat no longer
 * has it: a restarted Playground). Teams refuses the next update with 404; the run must still
 * have a live card there: a new one, kept up to date to the end.
 */
describe('a run card deleted in the chat (real app, CloudAdapter, fake connector)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Slow enough that the card is deleted before the run's next state arrives.
    t = await startTestApp({}, { emulatorTaskMs: 150 });
  });
  afterAll(() => t.close());

  it('the next state posts a new live card, which is updated until the run succeeds', async () => {
    const conversationId = 'a:gone-card-1';
    const inChat = (c: { conversationId: string }) => c.conversationId === conversationId;
    await postActivity(
      t.app.url,
      messageActivity('deploy custom-qa model v3', { serviceUrl: t.connector.url, conversationId }),
    );
    const [first] = await t.connector.waitFor(1, (c) => inChat(c) && c.method === 'POST');
    const runId = runCardRunId(first!);
    expect(runId).toBeDefined();
    t.connector.deleteMessage(conversationId, first!.id);

    const [, anew] = await t.connector.waitFor(2, (c) => inChat(c) && c.method === 'POST', 20_000);
    expect(runCardRunId(anew!)).toBe(runId);
    await t.connector.waitFor(
      1,
      (c) => c.method === 'PUT' && c.id === anew!.id && text(c).includes('Succeeded'),
      20_000,
    );
    const posts = t.connector.calls.filter((c) => inChat(c) && c.method === 'POST');
    expect(posts.map((c) => c.id)).toEqual([first!.id, anew!.id]);
    expect(posts.map(text).join()).not.toContain('Something went wrong');
    // The refused update was not a failure anyone has to clear up.
    expect(await t.app.store.listPoison('outbox', 10)).toEqual([]);
  }, 40_000);
});
