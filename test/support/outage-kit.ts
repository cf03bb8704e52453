import { messageActivity, postActivity } from './activities';
import { runCardRunId, text } from './card-inspection';
import type { ConnectorCall } from './fake-connector';
import type { TestApp } from './start-test-app';

/** What the connector-outage tests (test/e2e/channel-outage*.e2e.test.ts) read and wait for. */

/** The subscribed notifications channel of the outage tests. */
export const CHANNEL = '19:outage-ops@thread.tacv2';

/** A run card of `pipeline` (not an approval card, not a completion notice). */
export const isRunCard = (c: ConnectorCall, pipeline: string) =>
  text(c).includes(pipeline) && runCardRunId(c) !== undefined && !text(c).includes('finished:');

/** The cards of `runId` in a conversation, each with every call that showed it (post, then updates). */
export function cardsOf(t: TestApp, conversationId: string, runId: number, pipeline: string) {
  const calls = t.connector.calls.filter(
    (c) =>
      c.conversationId === conversationId && isRunCard(c, pipeline) && runCardRunId(c) === runId,
  );
  const posts = calls.filter((c) => c.method === 'POST');
  return posts.map((p) => ({
    post: p,
    last: [p, ...calls.filter((c) => c.method === 'PUT' && c.id === p.id)].at(-1)!,
  }));
}

/** Polls `check` every 100 ms; throws `timed out: <what>` after `timeoutMs`. */
export async function eventually(
  check: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every call (delivered or refused) that carried the bot's generic error card. */
export const noSomethingWentWrong = (t: TestApp) =>
  [...t.connector.calls, ...t.connector.refused].filter((c) =>
    text(c).includes('Something went wrong'),
  );

/** `subscribe` in CHANNEL, waited for until its answer arrives. */
export async function subscribeChannel(t: TestApp) {
  await postActivity(
    t.app.url,
    messageActivity('subscribe', {
      serviceUrl: t.connector.url,
      conversationId: CHANNEL,
      conversationType: 'channel',
    }),
  );
  await t.connector.waitFor(
    1,
    (c) => c.conversationId === CHANNEL && text(c).includes('Subscribed'),
  );
}
