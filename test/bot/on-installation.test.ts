import type { Activity, TurnContext } from 'botbuilder';
import { conversationInfoFromActivity, handleInstallation } from '../../src/bot/on-installation';
import type { Reply } from '../../src/commands/reply';
import { replyToActivity } from '../../src/bot/reply-to-activity';
import { getDefaultNotificationChannel } from '../../src/conversations/default-notification-channel';
import { getConversation } from '../../src/conversations/get-conversation';
import { MemoryStore } from '../../src/store/memory-store';
import { cardText, testLogger } from '../notifications/notification-fixtures';

const teamAdd = (conversationId: string, extra: Partial<Activity> = {}): Partial<Activity> => ({
  type: 'conversationUpdate',
  id: 'u1',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  recipient: { id: '28:bot', name: 'ChatOps' },
  from: { id: '29:admin', name: 'Admin' },
  conversation: {
    id: conversationId,
    conversationType: 'channel',
    isGroup: true,
    tenantId: 't1',
    name: '',
  },
  membersAdded: [{ id: '28:bot', name: 'ChatOps' }],
  channelData: {
    eventType: 'teamMemberAdded',
    team: { id: '19:team@thread.tacv2' },
    tenant: { id: 't1' },
  },
  ...extra,
});

function contextFor(activity: Partial<Activity>) {
  const sent: Partial<Activity>[] = [];
  const context = {
    activity,
    sendActivity: async (a: Partial<Activity>) => {
      sent.push(a);
      return { id: 'x' };
    },
  } as unknown as TurnContext;
  return { context, sent };
}

describe('handleInstallation', () => {
  const deps = () => ({
    store: new MemoryStore(),
    logger: testLogger().logger,
    say: async (context: TurnContext, reply: Reply) => {
      await context.sendActivity(replyToActivity(reply));
    },
  });

  it('stores the team channel, makes it the notifications channel and greets it once', async () => {
    const d = deps();
    const a = contextFor(teamAdd('19:general@thread.tacv2'));
    expect(await handleInstallation(a.context, d)).toBe('installed');
    const twin = contextFor({
      ...teamAdd('19:general@thread.tacv2'),
      type: 'installationUpdate',
      action: 'add',
      membersAdded: [],
    });
    expect(await handleInstallation(twin.context, d)).toBe('installed');
    expect(a.sent).toHaveLength(1);
    expect(twin.sent).toHaveLength(0);
    expect(cardText(a.sent[0]!)).toContain('unsubscribe');
    expect(await getDefaultNotificationChannel(d.store)).toBe('19:general@thread.tacv2');
    expect(await getConversation(d.store, '19:general@thread.tacv2')).toMatchObject({
      conversationType: 'channel',
      tenantId: 't1',
      teamId: '19:team@thread.tacv2',
      botId: '28:bot',
    });

    const second = contextFor(teamAdd('19:other@thread.tacv2'));
    await handleInstallation(second.context, d);
    expect(await getDefaultNotificationChannel(d.store)).toBe('19:general@thread.tacv2');
    expect(cardText(second.sent[0]!)).toContain('Another channel');
  });

  it('ignores other members joining and other activities', async () => {
    const d = deps();
    const someone = contextFor(
      teamAdd('19:g@thread.tacv2', { membersAdded: [{ id: '29:new', name: 'New' }] }),
    );
    expect(await handleInstallation(someone.context, d)).toBe('ignored');
    const message = contextFor({ ...teamAdd('19:g@thread.tacv2'), type: 'message' });
    expect(await handleInstallation(message.context, d)).toBe('ignored');
    expect(someone.sent.length + message.sent.length).toBe(0);
    expect(await getDefaultNotificationChannel(d.store)).toBeUndefined();
  });
});

describe('conversationInfoFromActivity', () => {
  it('strips ;messageid= from channel conversation ids', () => {
    const info = conversationInfoFromActivity(
      teamAdd('19:ops@thread.tacv2;messageid=1700000000000'),
    );
    expect(info?.conversationId).toBe('19:ops@thread.tacv2');
  });

  it('records the user of a personal chat', () => {
    const info = conversationInfoFromActivity({
      type: 'message',
      serviceUrl: 'https://smba/',
      channelId: 'msteams',
      recipient: { id: '28:bot', name: 'ChatOps' },
      from: { id: '29:alex', name: 'Alex' },
      conversation: { id: 'a:1', conversationType: 'personal', isGroup: false, name: '' },
    });
    expect(info).toMatchObject({
      conversationType: 'personal',
      userId: '29:alex',
      conversationId: 'a:1',
    });
  });

  it('answers undefined without a service URL', () => {
    expect(
      conversationInfoFromActivity({ conversation: { id: 'x' } as never }, '28:bot'),
    ).toBeUndefined();
  });
});
