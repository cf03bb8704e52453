import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCatalog } from '../../src/catalog/load-catalog';
import type { Catalog } from '../../src/catalog/catalog-schema';
import { setDefaultNotificationChannel } from '../../src/conversations/default-notification-channel';
import { saveConversation } from '../../src/conversations/save-conversation';
import type { ApprovalSummary, RunSummary } from '../../src/devops/devops-port';
import { showApproval } from '../../src/notifications/approval-notice';
import type { EventProcessorDeps } from '../../src/notifications/notification-deps';
import { filterEventFor } from '../../src/notifications/run-event';
import { MemoryStore } from '../../src/store/memory-store';
import { getRunRecord, saveRunRecord } from '../../src/use-cases/run-record';
import { InMemoryDevOps } from '../support/in-memory-devops';
import { addSubscription } from '../../src/subscriptions/add-subscription';
import {
  CHANNEL,
  FakeChannel,
  PERSONAL,
  cardText,
  catalog,
  manualClock,
  saveConversations,
  testLogger,
  testPublisher,
} from './notification-fixtures';

/** Prod's approvers (config/digitre.yaml) as Teams users; Alex is one and asks for the run. */
const RITA_CHAT = 'a:personal-rita';
const ALEX = {
  id: 'alex-oid',
  name: 'Alex Wilber',
  teamsId: '29:alex',
  upn: 'devops.lead@digitre.example',
  aadObjectId: 'alex-oid',
};

/** A channel that can open personal chats, as Teams' does, and says whom it opened them with. */
class OpeningChannel extends FakeChannel {
  readonly opened: { userId: string; from: string }[] = [];
  async openPersonalChat(userId: string, from: string): Promise<string> {
    this.opened.push({ userId, from });
    return `a:opened-${userId}`;
  }
}

const withSelfApproval = (): Catalog =>
  parseCatalog(
    readFileSync(join(__dirname, '../../config/digitre.yaml'), 'utf8').replace(
      'noSelfApproval: true',
      'noSelfApproval: false',
    ),
  );

async function setup(
  opts: {
    cat?: Catalog;
    askedIn?: string;
    shared?: 'approver' | 'viewer';
    approvers?: string[];
  } = {},
) {
  const cat = opts.cat ?? catalog;
  const clock = manualClock(Date.parse('2026-11-26T10:00:00Z'));
  const store = new MemoryStore({ clock });
  const devops = new InMemoryDevOps(cat, { clock });
  const sender = new OpeningChannel();
  const { logger } = testLogger();
  const publisher = testPublisher(store, clock, logger, sender);
  await saveConversations(store);
  await saveConversation(store, {
    serviceUrl: 'http://127.0.0.1:1/',
    channelId: 'msteams',
    botId: '28:bot',
    tenantId: 't1',
    conversationId: RITA_CHAT,
    conversationType: 'personal',
    userId: '29:rita',
  });
  const deps: EventProcessorDeps = {
    store,
    devops,
    catalog: cat,
    clock,
    logger,
    publisher,
    approverChatIds: async () => opts.approvers ?? ['29:alex', '29:rita', '29:rae'],
    sharedApprovalView: opts.shared ?? 'viewer',
  };
  const run = await devops.runPipeline({
    pipelineKey: 'prod',
    parameters: { modelVersion: '3' },
    correlationId: 'c1',
  });
  await saveRunRecord(store, {
    runId: run.id,
    pipelineKey: 'prod',
    environment: 'prod',
    model: '3',
    parameters: { modelVersion: '3' },
    requestedBy: ALEX,
    conversationId: opts.askedIn ?? PERSONAL,
    queuedAt: clock.now(),
  });
  const approval = devops.advance(run.id, 'waiting')!;
  const env = { deps, store, clock, devops, sender, run, approval };
  return {
    ...env,
    /** The approval event as the processor hands it over. */
    show: async (a: ApprovalSummary = approval, r: RunSummary = run) =>
      showApproval(
        deps,
        { id: a.id, pending: a.status === 'pending' },
        (await devops.getRun(r.id, { withStages: true }))!,
        filterEventFor({ id: 'e', source: 'webhook', runId: r.id, kind: 'stageChanged' }, r, cat),
        await getRunRecord(store, r.id),
      ),
    posted: (chat: string) =>
      sender.in(chat).filter((c) => c.method === 'send' && c.shows?.approvalCard),
  };
}

const buttons = (text: string) => text.includes('approval.approve');

/** Someone subscribed `conversationId` to prod runs. */
async function subscribe(t: Awaited<ReturnType<typeof setup>>, conversationId: string) {
  await addSubscription(t.store, t.clock, {
    conversationId,
    conversationType: 'channel',
    actor: { id: 'lead', name: 'Lead' },
    filter: { pipelines: ['prod'] },
  });
}

describe('approval cards reach the people who must see them', () => {
  it('the requester’s personal chat shows whom it waits for, without buttons when they may not approve their own run', async () => {
    const t = await setup();
    await subscribe(t, CHANNEL);
    await t.show();
    const [card] = t.posted(PERSONAL);
    expect(t.posted(PERSONAL)).toHaveLength(1);
    const text = cardText(card!.activity);
    expect(text).toContain(
      'Waiting for approval by devops.lead@digitre.example, release.manager@digitre.example',
    );
    expect(buttons(text)).toBe(false);
    expect(t.posted(CHANNEL)).toHaveLength(1);

    // Redelivered: nothing new anywhere.
    await t.show();
    expect(t.sender.calls.filter((c) => c.method === 'send')).toHaveLength(2);

    // Decided: the requester's card says so, like every other.
    const decided = await t.devops.decideApproval(t.approval.id, 'approved', 'ok');
    await t.show(decided);
    const updated = t.sender.in(PERSONAL).filter((c) => c.method === 'update');
    expect(updated.map((u) => u.activityId)).toEqual([card!.activityId]);
    expect(cardText(updated[0]!.activity)).toContain('Approved');
  });

  it('gives the requester the buttons in their personal chat when they may approve their own run', async () => {
    const t = await setup({ cat: withSelfApproval() });
    await setDefaultNotificationChannel(t.store, CHANNEL);
    await t.show();
    expect(buttons(cardText(t.posted(PERSONAL)[0]!.activity))).toBe(true);
    // The channel keeps the shared (viewer) view.
    expect(buttons(cardText(t.posted(CHANNEL)[0]!.activity))).toBe(false);
  });

  it('a run asked for in a channel gets the approval card there, in the shared view', async () => {
    const asked = '19:ml@thread.tacv2';
    const t = await setup({ askedIn: asked });
    await saveConversation(t.store, {
      serviceUrl: 'http://127.0.0.1:1/',
      channelId: 'msteams',
      botId: '28:bot',
      conversationId: asked,
      conversationType: 'channel',
    });
    await setDefaultNotificationChannel(t.store, CHANNEL);
    await t.show();
    expect(t.posted(asked)).toHaveLength(1);
    expect(buttons(cardText(t.posted(asked)[0]!.activity))).toBe(false);
    // A channel hears it: nobody's personal chat is needed.
    expect(t.posted(RITA_CHAT)).toEqual([]);
    expect(t.sender.opened).toEqual([]);
  });

  it('before a notifications channel exists, each approver gets it in their personal chat, with the buttons', async () => {
    const t = await setup();
    await t.show();
    // Rita's stored chat; Rae's opened from the requester's chat; Alex asked, so not as an approver.
    expect(t.posted(RITA_CHAT)).toHaveLength(1);
    expect(buttons(cardText(t.posted(RITA_CHAT)[0]!.activity))).toBe(true);
    expect(t.sender.opened).toEqual([{ userId: '29:rae', from: PERSONAL }]);
    expect(t.posted('a:opened-29:rae')).toHaveLength(1);
    expect(t.posted(PERSONAL)).toHaveLength(1);
    expect(buttons(cardText(t.posted(PERSONAL)[0]!.activity))).toBe(false);
    expect(t.posted(CHANNEL)).toEqual([]);

    await t.show();
    expect(t.sender.calls.filter((c) => c.method === 'send')).toHaveLength(3);
    const decided = await t.devops.decideApproval(t.approval.id, 'rejected', 'no');
    await t.show(decided);
    const updates = t.sender.calls.filter((c) => c.method === 'update');
    expect(new Set(updates.map((u) => u.conversationId))).toEqual(
      new Set([PERSONAL, RITA_CHAT, 'a:opened-29:rae']),
    );
  });

  it('a personal subscription is no channel: approvers still get their cards', async () => {
    const t = await setup();
    await subscribe(t, PERSONAL);
    await t.show();
    expect(t.posted(RITA_CHAT)).toHaveLength(1);
  });

  it('everyone approves (local mode): only people who already chat with the bot get a card, and the requester gets the buttons', async () => {
    const t = await setup({ shared: 'approver', approvers: ['29:alex', '29:rita', '29:rae'] });
    await t.show();
    expect(t.sender.opened).toEqual([]);
    expect(t.posted(RITA_CHAT)).toHaveLength(1);
    expect(buttons(cardText(t.posted(PERSONAL)[0]!.activity))).toBe(true);
  });

  it('an approver whose personal chat cannot be opened is left out; the others still get theirs', async () => {
    const t = await setup();
    t.sender.openPersonalChat = async () => {
      throw new Error('bot not installed for this user');
    };
    await t.show();
    expect(t.posted(RITA_CHAT)).toHaveLength(1);
    expect(t.posted(PERSONAL)).toHaveLength(1);
  });
});
