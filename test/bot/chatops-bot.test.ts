import { join } from 'node:path';
import { TestAdapter, type Activity } from 'botbuilder';
import pino from 'pino';
import { CARD_ACTIONS } from '../../src/actions/card-actions';
import { CardSigner, signCardData } from '../../src/actions/card-signer';
import { CatalogAuthorizer } from '../../src/auth/authorizer';
import { ChatOpsBot } from '../../src/bot/chatops-bot';
import { onTurnError } from '../../src/bot/on-turn-error';
import { replyToActivity } from '../../src/bot/reply-to-activity';
import { TeamsChannel } from '../../src/bot/teams-channel';
import { Publisher } from '../../src/publisher/publisher';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { manualClock } from '../../src/clock/clock';
import { createRegistry } from '../../src/commands/create-registry';
import { messageReply } from '../../src/commands/message-reply';
import { InMemoryDevOps } from '../support/in-memory-devops';
import { MemoryStore } from '../../src/store/memory-store';

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));

async function setup() {
  const clock = manualClock(Date.parse('2026-11-26T10:00:00Z'));
  const store = new MemoryStore({ clock });
  const deps = {
    catalog,
    devops: new InMemoryDevOps(catalog),
    store,
    clock,
    authorizer: new CatalogAuthorizer(catalog, { localMode: true }),
    registry: createRegistry(),
    localMode: true,
  };
  const logger = pino({ level: 'silent' });
  const signer = await CardSigner.load(store);
  // Answers go out in the turn (the TestAdapter's); nothing here is sent proactively.
  const channel = new TeamsChannel({
    adapter: { continueConversationAsync: () => Promise.reject(new Error('not in this test')) },
    botAppId: '',
    store,
  });
  const publisher = new Publisher({
    channel,
    store,
    clock,
    logger,
    sign: (data, conversationId) => signCardData(data, conversationId, signer),
  });
  const bot = new ChatOpsBot({
    registry: deps.registry,
    actions: CARD_ACTIONS,
    deps,
    logger,
    signer,
    publisher,
  });
  const adapter = new TestAdapter((context) => bot.run(context));
  adapter.onTurnError = onTurnError(logger, (ref) =>
    replyToActivity(messageReply('attention', 'Something went wrong', `ref ${ref}`)),
  );
  return { adapter, store };
}

function cardOf(activity: Partial<Activity>): string {
  return JSON.stringify(activity.attachments?.[0]?.content ?? null);
}

describe('ChatOpsBot through TestAdapter', () => {
  it('answers help with the help card', async () => {
    const { adapter } = await setup();
    await adapter.send('help').assertReply((a) => {
      expect(a.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(cardOf(a)).toContain('help [command]');
    });
  });

  it('strips the Teams mention before parsing', async () => {
    const { adapter } = await setup();
    await adapter
      .send('<at>DigitRE</at> help')
      .assertReply((a) => expect(cardOf(a)).toContain('What I can do'));
  });

  it('answers a typo with a did-you-mean', async () => {
    const { adapter } = await setup();
    await adapter.send('hlep').assertReply((a) => {
      expect(cardOf(a)).toContain("I don't know the command");
      expect(cardOf(a)).toContain('help');
    });
  });

  it('runs an activity id once even when it is delivered twice', async () => {
    const { adapter } = await setup();
    const activity: Partial<Activity> = { type: 'message', text: 'help', id: 'same-id' };
    await adapter.send(activity).assertReply((a) => expect(cardOf(a)).toContain('help'));
    await adapter
      .send(activity)
      .assertNoReply('a retried activity must not be answered again', 300);
  });

  it('answers when the turn fails, quoting the activity id', async () => {
    const { adapter, store } = await setup();
    jest
      .spyOn(store, 'put')
      .mockRejectedValueOnce(Object.assign(new Error('disk on fire'), { code: 'STORE_IO' }));
    await adapter
      .send({ type: 'message', text: 'help', id: 'boom-1' })
      .assertReply((a) => expect(cardOf(a)).toContain('ref boom-1'));
  });
});
