import type { TurnContext } from 'botbuilder';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { TeamsChannel, type ProactiveAdapter } from '../../src/bot/teams-channel';
import { runCardData } from '../../src/cards/run-card-data';
import { systemClock } from '../../src/clock/clock';
import type { Reply } from '../../src/commands/reply';
import { getConversation } from '../../src/conversations/get-conversation';
import { saveConversation } from '../../src/conversations/save-conversation';
import type { RunSummary } from '../../src/devops/devops-port';
import type { RetryPolicy } from '../../src/publisher/delivery-retry';
import { Publisher } from '../../src/publisher/publisher';
import { MemoryStore } from '../../src/store/memory-store';
import type { FakeConnector } from '../support/fake-connector';
import { testLogger } from '../notifications/notification-fixtures';

/** Alex's personal chat with the bot. */
export const CHAT = 'a:personal-alex';
/** The team's notifications channel. */
export const OPS = '19:ops@thread.tacv2';

/** A prod run parked at its approval. */
export const RUN: RunSummary = {
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

/** RUN's live card as the bot answers with it. */
export const runCardReply = (): Reply => ({
  card: 'run-status',
  data: runCardData(RUN, { now: Date.now() }),
  runId: RUN.id,
});

/**
 * The real publisher, Teams channel and CloudAdapter against the fake connector over HTTP, with
 * CHAT and OPS stored as the bot met them. `adapter` wraps the real adapter (e.g. to count the
 * proactive turns); `policy` is the publisher's retry policy.
 * @example const t = await teamsPublisherRig(connector, { policy: { maxAttempts: 2, baseDelayMs: 1 } });
 */
export async function teamsPublisherRig(
  connector: FakeConnector,
  opts: { adapter?: (real: CloudAdapter) => ProactiveAdapter; policy?: RetryPolicy } = {},
) {
  const store = new MemoryStore();
  const real = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const base = { serviceUrl: connector.url, channelId: 'msteams', botId: '28:bot', tenantId: 't1' };
  await saveConversation(store, { ...base, conversationId: OPS, conversationType: 'channel' });
  await saveConversation(store, {
    ...base,
    conversationId: CHAT,
    conversationType: 'personal',
    userId: '29:alex',
  });
  const channel = new TeamsChannel({ adapter: opts.adapter?.(real) ?? real, botAppId: '', store });
  const publisher = new Publisher({
    channel,
    store,
    clock: systemClock,
    logger: testLogger().logger,
    ...opts.policy,
  });
  /**
   * Runs `work` in a real turn of a message in `conversationId`, as Teams delivers it (a
   * channel's with `;messageid=<root>`), as a command's handler would.
   */
  const inTurn = async (conversationId: string, work: (context: TurnContext) => Promise<void>) => {
    const reference = (await getConversation(store, conversationId.split(';')[0]!))!.reference;
    const conversation = { ...(reference.conversation as object), id: conversationId };
    await real.continueConversationAsync('', { ...reference, conversation } as never, work);
  };
  return { store, channel, publisher, inTurn };
}
