import { randomUUID } from 'node:crypto';
import { cardActionActivity, messageActivity, postActivity, ALEX } from '../support/activities';
import type { ConnectorCall, FakeConnector } from '../support/fake-connector';

/** Shared by the replica and restart tests: people, chat helpers and card predicates. */

export type Person = {
  id: string;
  name: string;
  aadObjectId?: string;
  userPrincipalName?: string;
};

export { ALEX };
/** Deploys to DEV/QA/Custom QA, locks them; approves nothing. */
export const ENGINEER: Person = {
  id: '29:ml-eng',
  name: 'Mo Engineer',
  aadObjectId: '00000000-0000-0000-0000-0000000000c3',
};
/** Approves prod; deploys nothing. */
export const RELEASE: Person = {
  id: '29:release-mgr',
  name: 'Rita Release',
  aadObjectId: '00000000-0000-0000-0000-0000000000b2',
};
const UPN: Record<string, string> = {
  [ENGINEER.id]: 'ml.engineer@digitre.example',
  [RELEASE.id]: 'release.manager@digitre.example',
};

/** Teams does not put the UPN on activities; the bot looks members up through the connector. */
export function registerPeople(connector: FakeConnector): void {
  for (const p of [ENGINEER, RELEASE]) {
    connector.members.set(p.id, { ...p, userPrincipalName: UPN[p.id] });
  }
}

import { cardOf, executeActions, text } from '../support/card-inspection';

export { cardOf, executeActions, text, type Card } from '../support/card-inspection';

/** A run's live card (the full-width run-status template linking to that run). */
export function isRunCard(c: ConnectorCall, runId: number): boolean {
  const card = cardOf(c) as { msteams?: { width?: string } };
  return card.msteams?.width === 'Full' && text(c).includes(`buildId=${runId}"`);
}

/** The state line of a run card (`Running`, `Waiting for approval`, `Succeeded`, …). */
export function runState(c: ConnectorCall): string | undefined {
  let state: string | undefined;
  const walk = (node: unknown) => {
    if (state !== undefined) return;
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const m = typeof o.text === 'string' ? /^(.+) · run /.exec(o.text) : null;
      if (o.type === 'TextBlock' && m) state = m[1];
      else Object.values(o).forEach(walk);
    }
  };
  walk(cardOf(c));
  return state;
}

/** A run card of `runId` in `conversationId` showing `state`. */
export const runCardIn =
  (conversationId: string, runId: number, state?: string) =>
  (c: ConnectorCall): boolean =>
    c.conversationId === conversationId &&
    isRunCard(c, runId) &&
    (state === undefined || runState(c) === state);

export interface ChatTarget {
  url: string;
}

export interface SayOptions {
  from?: Person;
  /** Activity id; a fixed one lets a test deliver the same activity twice. */
  id?: string;
}

const typeOf = (conversationId: string) =>
  conversationId.startsWith('19:') ? ('channel' as const) : ('personal' as const);

/** The message activity `say` would post (for delivering one activity to several replicas). */
export function chatActivity(
  connector: FakeConnector,
  textValue: string,
  conversationId: string,
  opts: SayOptions = {},
): Record<string, unknown> {
  return messageActivity(textValue, {
    serviceUrl: connector.url,
    conversationId,
    conversationType: typeOf(conversationId),
    from: opts.from ?? ALEX,
    id: opts.id ?? randomUUID(),
  });
}

/** The bot's answers to one activity: POSTs that reply to it. */
export const repliesTo = (connector: FakeConnector, activityId: string): ConnectorCall[] =>
  connector.calls.filter((c) => c.method === 'POST' && c.activityId === activityId);

/** Posts a message to one replica and resolves with its reply card (a POST replying to it). */
export async function say(
  bot: ChatTarget,
  connector: FakeConnector,
  textValue: string,
  conversationId: string,
  opts: SayOptions = {},
): Promise<ConnectorCall> {
  const activity = chatActivity(connector, textValue, conversationId, opts);
  const res = await postActivity(bot.url, activity);
  expect(res.status).toBe(200);
  const id = activity.id as string;
  const [reply] = await connector.waitFor(
    1,
    (c) => c.method === 'POST' && c.activityId === id,
    15_000,
  );
  return reply!;
}

/** The `adaptiveCard/action` invoke a click on `verb` in the card `replyToId` sends. */
export function clickActivity(
  connector: FakeConnector,
  verb: string,
  data: Record<string, unknown>,
  conversationId: string,
  replyToId: string,
  opts: SayOptions = {},
): Record<string, unknown> {
  return {
    ...cardActionActivity(verb, data, {
      serviceUrl: connector.url,
      conversationId,
      conversationType: typeOf(conversationId),
      from: opts.from ?? ALEX,
      id: opts.id ?? randomUUID(),
    }),
    replyToId,
  };
}

/** Finds the button `verb` in a card and returns its data (fails the test when absent). */
export function buttonData(call: ConnectorCall, verb: string): Record<string, unknown> {
  const action = executeActions(cardOf(call)).find((a) => a.verb === verb);
  if (!action) throw new Error(`no ${verb} button in ${text(call).slice(0, 400)}`);
  return action.data;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it returns a value (or fails after `timeoutMs`). */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}
