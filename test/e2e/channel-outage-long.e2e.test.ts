import { messageActivity, postActivity } from '../support/activities';
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

describe('a 60 s outage of the connector answering 429 with Retry-After: 120', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { outboxIntervalMs: 500 });
    await subscribeChannel(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('does not hold the turn open, and every card lands once in its final state after it', async () => {
    const chat = 'a:long-outage-requester';
    const pipeline = '[Manual]-[Custom-QA]-Deploy';
    const outageMs = 60_000;
    t.connector.failFor(outageMs, 429, { 'retry-after': '120' });
    const outageEnds = Date.now() + outageMs;
    const started = Date.now();
    const answer = await postActivity(
      t.app.url,
      messageActivity('deploy custom-qa model v3', {
        serviceUrl: t.connector.url,
        conversationId: chat,
      }),
    );
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    let runId = 0;
    await eventually(
      () => {
        const first = t.connector.calls.find(
          (c) => c.conversationId === chat && isRunCard(c, pipeline),
        );
        runId = first ? runCardRunId(first)! : 0;
        return runId > 0;
      },
      outageMs + 45_000,
      'the requester run card',
    );
    // Nothing got through while the channel refused.
    expect(
      t.connector.calls.filter((c) => c.at < outageEnds - 100 && c.conversationId === chat),
    ).toEqual([]);
    const final = (conversationId: string) => () => {
      const cards = cardsOf(t, conversationId, runId, pipeline);
      return cards.length > 0 && cards.every((c) => text(c.last).includes('Succeeded'));
    };
    await eventually(final(chat), 45_000, 'the requester card reaching Succeeded');
    await eventually(final(CHANNEL), 45_000, 'the channel card reaching Succeeded');
    await new Promise((r) => setTimeout(r, 1_500)); // anything still in the outbox would land now
    expect(cardsOf(t, chat, runId, pipeline)).toHaveLength(1);
    expect(cardsOf(t, CHANNEL, runId, pipeline)).toHaveLength(1);
    // The requester's personal chat holds the run's live card, which says Succeeded: no second
    // "your run finished" notice under it (issue 16: one card per run per chat).
    expect(
      t.connector.calls.filter((c) => c.conversationId === chat && text(c).includes('finished:')),
    ).toHaveLength(0);
    expect(noSomethingWentWrong(t)).toEqual([]);
  }, 200_000);
});
