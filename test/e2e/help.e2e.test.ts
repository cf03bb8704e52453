import { messageActivity, postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';

/** Collects every text in a rendered Adaptive Card. */
function cardText(activity: Record<string, unknown>): string {
  const attachments = (activity.attachments ?? []) as { content: unknown }[];
  return JSON.stringify(attachments.map((a) => a.content));
}

describe('the bot over real HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers help with a card listing the commands', async () => {
    const activity = messageActivity('<at>DigitRE</at> help', {
      serviceUrl: t.connector.url,
      conversationId: 'a:help-1',
    });
    const res = await postActivity(t.app.url, activity);
    expect(res.status).toBe(200);
    const [reply] = await t.connector.waitFor(1, (c) => c.conversationId === 'a:help-1');
    expect(reply!.method).toBe('POST');
    expect(reply!.activityId).toBe(activity.id);
    const attachment = (reply!.activity.attachments as { contentType: string }[])[0]!;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(reply!.activity)).toContain('help [command]');
    expect(cardText(reply!.activity)).not.toContain('${');
    const audit = await t.app.store.queryAudit({ limit: 5 });
    expect(audit.find((a) => a.action === 'command:help')).toMatchObject({
      actor: { name: 'Alex Wilber' },
      outcome: 'ok',
    });
  });

  it('answers hlep with a did-you-mean', async () => {
    await postActivity(
      t.app.url,
      messageActivity('hlep', { serviceUrl: t.connector.url, conversationId: 'a:typo' }),
    );
    const [reply] = await t.connector.waitFor(1, (c) => c.conversationId === 'a:typo');
    expect(cardText(reply!.activity)).toContain('hlep');
    expect(cardText(reply!.activity)).toMatch(/help/);
  });

  it.each([
    ['an empty message', '', /empty/],
    ['a 20,000-character message', 'x'.repeat(20000), /at most 1000/],
  ])('answers %s clearly', async (_what, text, expected) => {
    const conversationId = `a:edge-${text.length}`;
    const res = await postActivity(
      t.app.url,
      messageActivity(text, { serviceUrl: t.connector.url, conversationId }),
    );
    expect(res.status).toBe(200);
    const [reply] = await t.connector.waitFor(1, (c) => c.conversationId === conversationId);
    expect(cardText(reply!.activity)).toMatch(expected);
  });

  it('answers malformed JSON with 400 and keeps serving', async () => {
    const bad = await postActivity(t.app.url, '{"type":"message", "text": ');
    expect(bad.status).toBe(400);
    const health = await fetch(`${t.app.url}/healthz`);
    expect(health.status).toBe(200);
    await postActivity(
      t.app.url,
      messageActivity('help', { serviceUrl: t.connector.url, conversationId: 'a:after-bad' }),
    );
    await expect(
      t.connector.waitFor(1, (c) => c.conversationId === 'a:after-bad'),
    ).resolves.toHaveLength(1);
  });

  it('does not run the same activity twice when Teams retries it', async () => {
    const activity = messageActivity('help', {
      serviceUrl: t.connector.url,
      conversationId: 'a:retry',
    });
    await postActivity(t.app.url, activity);
    await postActivity(t.app.url, activity);
    await t.connector.waitFor(1, (c) => c.conversationId === 'a:retry');
    await new Promise((r) => setTimeout(r, 200));
    expect(t.connector.calls.filter((c) => c.conversationId === 'a:retry')).toHaveLength(1);
  });

  it('serves health, readiness and metrics', async () => {
    expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.app.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
    expect(metrics).toContain('chatops_turn_seconds');
  });

  it('refuses a body over the size limit with 413', async () => {
    const huge = JSON.stringify({ type: 'message', text: 'x'.repeat(400 * 1024) });
    const res = await postActivity(t.app.url, huge);
    expect(res.status).toBe(413);
  });
});
