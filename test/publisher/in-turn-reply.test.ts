import type { TurnContext } from 'botbuilder';
import { type ProactiveAdapter } from '../../src/bot/teams-channel';
import { runCardData } from '../../src/cards/run-card-data';
import { getRunCard, runCardCreationPending } from '../../src/conversations/run-card';
import { showRunCard } from '../../src/publisher/run-card-publisher';
import { startFakeConnector } from '../support/fake-connector';
import { CHAT, RUN, teamsPublisherRig } from './teams-publisher-rig';

/** Real CloudAdapter and connector over HTTP; counts the proactive turns it opens. */
async function setup() {
  const connector = await startFakeConnector();
  let proactiveTurns = 0;
  const t = await teamsPublisherRig(connector, {
    adapter: (real): ProactiveAdapter => ({
      continueConversationAsync: (appId, reference, logic) => {
        proactiveTurns++;
        return real.continueConversationAsync(appId, reference, logic);
      },
    }),
  });
  return {
    ...t,
    connector,
    inTurn: (work: (context: TurnContext) => Promise<void>) => t.inTurn(CHAT, work),
    turns: () => proactiveTurns,
  };
}

describe('publisher.publish in a turn', () => {
  let t: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    t = await setup();
  });
  afterEach(async () => {
    await t.connector.close();
  });

  it("claims the run's live card, so the first event updates it instead of posting a second", async () => {
    const reply = {
      card: 'run-status' as const,
      data: runCardData(RUN, { now: Date.now() }),
      runId: RUN.id,
      queued: true as const,
    };
    let id: string | undefined;
    await t.inTurn(async (context) => {
      id = await t.publisher.publish(CHAT, reply, { inTurn: context });
    });
    // Sent through the turn it was given: no proactive turn of its own.
    expect(t.turns()).toBe(0);
    expect(id).toBeTruthy();
    expect(await getRunCard(t.store, RUN.id, CHAT)).toMatchObject({ activityId: id });
    expect(await runCardCreationPending(t.store, RUN.id, CHAT)).toBe(false);

    // The run's first event, for the same chat: the card the reply posted moves on.
    const outcome = await showRunCard(t.publisher, {
      runId: RUN.id,
      conversationId: CHAT,
      mayCreate: true,
      reply: { card: 'run-status', data: runCardData(RUN, { now: Date.now() }), runId: RUN.id },
      stateHash: '10001:first-event',
    });
    expect(outcome).toBe('updated');
    const calls = t.connector.calls.filter((c) => c.conversationId === CHAT);
    expect(calls.map((c) => c.method)).toEqual(['POST', 'PUT']);
    expect(calls[1]!.id).toBe(id);
  });

  it('a look-up of a run whose card is here answers below and becomes the live card', async () => {
    const data = runCardData(RUN, { now: Date.now() });
    await t.inTurn(async (context) => {
      await t.publisher.publish(
        CHAT,
        { card: 'run-status', data, runId: RUN.id, queued: true },
        {
          inTurn: context,
        },
      );
    });
    const first = (await getRunCard(t.store, RUN.id, CHAT))!.activityId;
    let second: string | undefined;
    await t.inTurn(async (context) => {
      second = await t.publisher.publish(
        CHAT,
        { card: 'run-status', data, runId: RUN.id },
        {
          inTurn: context,
        },
      );
    });
    expect(second).not.toBe(first);
    expect((await getRunCard(t.store, RUN.id, CHAT))!.activityId).toBe(second);
    // A new message at the bottom, and the old card far up refreshed.
    const calls = t.connector.calls.filter((c) => c.conversationId === CHAT);
    expect(calls.map((c) => `${c.method} ${c.id}`)).toEqual([
      `POST ${first}`,
      `POST ${second}`,
      `PUT ${first}`,
    ]);
  });
});
