import type { TurnContext } from 'botbuilder';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { TeamsChannel, type ProactiveAdapter } from '../../src/bot/teams-channel';
import { runCardData } from '../../src/cards/run-card-data';
import { systemClock } from '../../src/clock/clock';
import { getConversation } from '../../src/conversations/get-conversation';
import { getRunCard, runCardCreationPending } from '../../src/conversations/run-card';
import type { RunSummary } from '../../src/devops/devops-port';
import { Publisher } from '../../src/publisher/publisher';
import { showRunCard } from '../../src/publisher/run-card-publisher';
import { saveConversation } from '../../src/conversations/save-conversation';
import { MemoryStore } from '../../src/store/memory-store';
import { startFakeConnector } from '../support/fake-connector';
import { testLogger } from '../notifications/notification-fixtures';

const CHAT = 'a:personal-alex';

const run: RunSummary = {
  id: 143,
  name: '20261126.3',
  pipelineId: 7,
  pipelineKey: 'prod',
  pipelineName: '[Manual]-[Prod]-deployment',
  state: 'inProgress',
  branch: 'refs/heads/main',
  parameters: { modelVersion: '3' },
  createdDate: '2026-11-26T10:00:00Z',
  url: 'https://dev.azure.com/digitre/ml/_build/results?buildId=143',
  tags: [],
};

/** Real CloudAdapter and connector over HTTP; counts the proactive turns it opens. */
async function setup() {
  const connector = await startFakeConnector();
  const store = new MemoryStore();
  const real = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  let proactiveTurns = 0;
  const adapter: ProactiveAdapter = {
    continueConversationAsync: (appId, reference, logic) => {
      proactiveTurns++;
      return real.continueConversationAsync(appId, reference, logic);
    },
  };
  await saveConversation(store, {
    conversationId: CHAT,
    serviceUrl: connector.url,
    channelId: 'msteams',
    conversationType: 'personal',
    botId: '28:bot',
    userId: '29:alex',
  });
  const publisher = new Publisher({
    channel: new TeamsChannel({ adapter, botAppId: '', store }),
    store,
    clock: systemClock,
    logger: testLogger().logger,
  });
  /** Runs `work` in a real turn of `CHAT`, as a command's handler would. */
  const inTurn = async (work: (context: TurnContext) => Promise<void>) => {
    const conversation = await getConversation(store, CHAT);
    await real.continueConversationAsync('', conversation!.reference as never, work);
  };
  return { connector, store, publisher, inTurn, turns: () => proactiveTurns };
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
      data: runCardData(run, { now: Date.now() }),
      runId: run.id,
      queued: true as const,
    };
    let id: string | undefined;
    await t.inTurn(async (context) => {
      id = await t.publisher.publish(CHAT, reply, { inTurn: context });
    });
    // Sent through the turn it was given: no proactive turn of its own.
    expect(t.turns()).toBe(0);
    expect(id).toBeTruthy();
    expect(await getRunCard(t.store, run.id, CHAT)).toMatchObject({ activityId: id });
    expect(await runCardCreationPending(t.store, run.id, CHAT)).toBe(false);

    // The run's first event, for the same chat: the card the reply posted moves on.
    const outcome = await showRunCard(t.publisher, {
      runId: run.id,
      conversationId: CHAT,
      mayCreate: true,
      reply: { card: 'run-status', data: runCardData(run, { now: Date.now() }), runId: run.id },
      stateHash: '10001:first-event',
    });
    expect(outcome).toBe('updated');
    const calls = t.connector.calls.filter((c) => c.conversationId === CHAT);
    expect(calls.map((c) => c.method)).toEqual(['POST', 'PUT']);
    expect(calls[1]!.id).toBe(id);
  });

  it('a look-up of a run whose card is here answers below and becomes the live card', async () => {
    const data = runCardData(run, { now: Date.now() });
    await t.inTurn(async (context) => {
      await t.publisher.publish(
        CHAT,
        { card: 'run-status', data, runId: run.id, queued: true },
        {
          inTurn: context,
        },
      );
    });
    const first = (await getRunCard(t.store, run.id, CHAT))!.activityId;
    let second: string | undefined;
    await t.inTurn(async (context) => {
      second = await t.publisher.publish(
        CHAT,
        { card: 'run-status', data, runId: run.id },
        {
          inTurn: context,
        },
      );
    });
    expect(second).not.toBe(first);
    expect((await getRunCard(t.store, run.id, CHAT))!.activityId).toBe(second);
    // A new message at the bottom, and the old card far up refreshed.
    const calls = t.connector.calls.filter((c) => c.conversationId === CHAT);
    expect(calls.map((c) => `${c.method} ${c.id}`)).toEqual([
      `POST ${first}`,
      `POST ${second}`,
      `PUT ${first}`,
    ]);
  });
});
