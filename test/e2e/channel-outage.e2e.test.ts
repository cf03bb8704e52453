import { ALEX, cardActionActivity, messageActivity, postActivity } from '../support/activities';
import { runCardRunId, text } from '../support/card-inspection';
import {
  CHANNEL,
  cardsOf,
  eventually,
  isRunCard,
  noSomethingWentWrong,
  subscribeChannel,
} from '../support/outage-kit';
import { startTestApp, type TestApp } from '../support/start-test-app';

/**
 * Teams' connector sheds load (503, 429, with and without Retry-After) while runs move. Through
 * the real app: CloudAdapter with its onTurnError, botbuilder's connector client over HTTP, the
 * in-process emulator's runs and service hooks. Every card arrives once and ends in its final
 * state; no turn is held open; nothing says "Something went wrong".
 */

describe.each([
  ['503 with Retry-After', 503, { 'retry-after': '1' }],
  ['503 without Retry-After', 503, {}],
  ['429 without Retry-After', 429, {}],
] as const)('a %s outage of the connector', (_name, status, headers) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({}, { outboxIntervalMs: 300 });
    await subscribeChannel(t);
  });
  afterEach(async () => {
    await t.close();
  });

  it('loses no card: the requester and the channel each get the run card once, and it succeeds', async () => {
    const chat = 'a:outage-requester';
    const pipeline = '[Manual]-[Custom-QA]-Deploy';
    t.connector.failFor(6_000, status, headers);
    const started = Date.now();
    const answer = await postActivity(
      t.app.url,
      messageActivity('deploy custom-qa model v3', {
        serviceUrl: t.connector.url,
        conversationId: chat,
      }),
    );
    // The turn hands its reply to the outbox instead of waiting out the outage.
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(6_000);
    // Only refusals so far: the run card was tried in the turn and refused.
    expect(t.connector.refused.some((c) => c.conversationId === chat)).toBe(true);

    let runId = 0;
    await eventually(
      () => {
        const first = t.connector.calls.find(
          (c) => c.conversationId === chat && isRunCard(c, pipeline),
        );
        runId = first ? runCardRunId(first)! : 0;
        return runId > 0;
      },
      45_000,
      'the requester run card',
    );
    const final = (conversationId: string) => () => {
      const cards = cardsOf(t, conversationId, runId, pipeline);
      return cards.length > 0 && cards.every((c) => text(c.last).includes('Succeeded'));
    };
    await eventually(final(chat), 45_000, 'the requester card reaching Succeeded');
    await eventually(final(CHANNEL), 45_000, 'the channel card reaching Succeeded');
    await new Promise((r) => setTimeout(r, 1_500)); // anything still in the outbox would land now
    expect(cardsOf(t, chat, runId, pipeline)).toHaveLength(1);
    expect(cardsOf(t, CHANNEL, runId, pipeline)).toHaveLength(1);
    expect(noSomethingWentWrong(t)).toEqual([]);
  }, 120_000);

  it('posts the pending prod approval card that fell into the outage, once, and the run completes', async () => {
    const say = (words: string) =>
      postActivity(
        t.app.url,
        messageActivity(words, {
          serviceUrl: t.connector.url,
          conversationId: CHANNEL,
          conversationType: 'channel',
        }),
      );
    await say('deploy prod model v3');
    const [ask] = await t.connector.waitFor(
      1,
      (c) => c.conversationId === CHANNEL && text(c).includes('Deploy model v3 to Production?'),
    );
    const confirm = (
      JSON.parse(text(ask!)) as { content: { actions?: { verb?: string; data?: unknown }[] } }[]
    )
      .flatMap((a) => a.content.actions ?? [])
      .find((a) => a.verb === 'confirm.accept')!;
    t.connector.failFor(6_000, status, headers);
    const clicked = await postActivity(t.app.url, {
      ...cardActionActivity('confirm.accept', confirm.data as Record<string, unknown>, {
        serviceUrl: t.connector.url,
        conversationId: CHANNEL,
        conversationType: 'channel',
        from: ALEX,
      }),
      replyToId: ask!.id,
    });
    expect(clicked.status).toBe(200);
    const approvals = () =>
      t.connector.calls.filter(
        (c) =>
          c.conversationId === CHANNEL &&
          c.method === 'POST' &&
          text(c).includes('Waiting for approval') &&
          text(c).includes('approval.approve'),
      );
    await eventually(() => approvals().length > 0, 45_000, 'the approval card');
    // The approval request event came during the outage.
    expect(t.connector.refused.some((c) => text(c).includes('approval.approve'))).toBe(true);
    const pipeline = '[Manual]-[Prod]-deployment';
    const runCard = () =>
      t.connector.calls.find((c) => c.conversationId === CHANNEL && isRunCard(c, pipeline));
    await eventually(() => runCard() !== undefined, 45_000, 'the prod run card');
    const runId = runCardRunId(runCard()!)!;
    await say('approve prod ship it');
    await eventually(
      () => cardsOf(t, CHANNEL, runId, pipeline).every((c) => text(c.last).includes('Succeeded')),
      45_000,
      'the prod run card reaching Succeeded',
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(cardsOf(t, CHANNEL, runId, pipeline)).toHaveLength(1);
    expect(approvals()).toHaveLength(1);
    expect(noSomethingWentWrong(t)).toEqual([]);
  }, 120_000);
});
