import {
  getDefaultNotificationChannel,
  setDefaultNotificationChannel,
} from '../../src/conversations/default-notification-channel';
import { getConversation } from '../../src/conversations/get-conversation';
import {
  abandonRunCardClaim,
  claimRunCardCreation,
  holdRunCardClaim,
  getRunCard,
  listRunCards,
  rememberRunCard,
} from '../../src/conversations/run-card';
import { saveConversation } from '../../src/conversations/save-conversation';
import { storeCases, useStore } from '../locks/store-cases';

const channel = {
  conversationId: '19:ops@thread.tacv2',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  channelId: 'msteams',
  tenantId: 'tenant-1',
  conversationType: 'channel' as const,
  botId: '28:bot',
  botName: 'ChatOps',
  teamId: '19:team@thread.tacv2',
  teamsChannelId: '19:ops@thread.tacv2',
};

describe.each(storeCases)('conversations on %s', (_name, makeStore) => {
  const env = useStore(makeStore);

  it('saves a conversation with the reference continueConversationAsync needs', async () => {
    await saveConversation(env.store, channel);
    const saved = await getConversation(env.store, channel.conversationId);
    expect(saved).toMatchObject(channel);
    expect(saved?.reference).toEqual({
      channelId: 'msteams',
      serviceUrl: channel.serviceUrl,
      bot: { id: '28:bot', name: 'ChatOps' },
      conversation: {
        id: channel.conversationId,
        conversationType: 'channel',
        isGroup: true,
        name: '',
        tenantId: 'tenant-1',
      },
    });
    expect(await getConversation(env.store, 'unknown')).toBeUndefined();
  });

  it('upserts: new values win, fields this activity lacks keep their stored values', async () => {
    await saveConversation(env.store, channel);
    const { teamId: _t, botName: _b, ...withoutTeam } = channel;
    const moved = await saveConversation(env.store, {
      ...withoutTeam,
      serviceUrl: 'https://smba.trafficmanager.net/amer/',
    });
    expect(moved).toMatchObject({
      serviceUrl: 'https://smba.trafficmanager.net/amer/',
      teamId: channel.teamId,
      botName: 'ChatOps',
    });
    expect(await getConversation(env.store, channel.conversationId)).toEqual(moved);
  });

  it('does not rewrite an unchanged conversation', async () => {
    await saveConversation(env.store, channel);
    const before = await env.store.get('conversations', channel.conversationId);
    await saveConversation(env.store, { ...channel });
    const after = await env.store.get('conversations', channel.conversationId);
    expect(after?.etag).toBe(before?.etag);
  });

  it('marks a personal chat as not a group and keeps the user', async () => {
    const r = await saveConversation(env.store, {
      conversationId: 'a:1dm',
      serviceUrl: channel.serviceUrl,
      channelId: 'msteams',
      conversationType: 'personal',
      botId: '28:bot',
      userId: '29:ana',
    });
    expect(r.reference).toMatchObject({
      conversation: { isGroup: false },
      user: { id: '29:ana', name: '' },
    });
  });

  it('round-trips the default notification channel', async () => {
    expect(await getDefaultNotificationChannel(env.store)).toBeUndefined();
    await setDefaultNotificationChannel(env.store, '19:ops@thread.tacv2');
    expect(await getDefaultNotificationChannel(env.store)).toBe('19:ops@thread.tacv2');
    await setDefaultNotificationChannel(env.store, '19:other@thread.tacv2');
    expect(await getDefaultNotificationChannel(env.store)).toBe('19:other@thread.tacv2');
  });

  it('lets exactly one of several concurrent callers create a run card', async () => {
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => claimRunCardCreation(env.store, 42, channel.conversationId)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    // A claim is not a card yet.
    expect(await getRunCard(env.store, 42, channel.conversationId)).toBeUndefined();
    expect(await listRunCards(env.store, 42)).toEqual([]);
    // Another conversation has its own claim.
    expect(await claimRunCardCreation(env.store, 42, 'a:1dm')).toBe(true);
  });

  it('no claim once the card is remembered; an abandoned or stale claim frees creation', async () => {
    expect(await claimRunCardCreation(env.store, 7, 'c1')).toBe(true);
    await abandonRunCardClaim(env.store, 7, 'c1');
    expect(await claimRunCardCreation(env.store, 7, 'c1')).toBe(true);
    await rememberRunCard(env.store, {
      runId: 7,
      conversationId: 'c1',
      activityId: 'act-1',
      lastUpdate: 1,
    });
    await abandonRunCardClaim(env.store, 7, 'c1'); // must not delete the card
    expect(await claimRunCardCreation(env.store, 7, 'c1')).toBe(false);
    env.clock.advance(10 * 60_000);
    expect(await claimRunCardCreation(env.store, 7, 'c1')).toBe(false);
    expect((await getRunCard(env.store, 7, 'c1'))?.activityId).toBe('act-1');

    expect(await claimRunCardCreation(env.store, 8, 'c1')).toBe(true);
    env.clock.advance(5 * 60_000); // the claimer crashed
    expect(await claimRunCardCreation(env.store, 8, 'c1')).toBe(true);
  });

  it('a claim blocks others for 30 s while its claimer posts, 5 min once its post is in the outbox', async () => {
    expect(await claimRunCardCreation(env.store, 9, 'c1')).toBe(true);
    env.clock.advance(29_000);
    expect(await claimRunCardCreation(env.store, 9, 'c1')).toBe(false);
    env.clock.advance(2_000); // the claimer was killed while the channel refused
    expect(await claimRunCardCreation(env.store, 9, 'c1')).toBe(true);
    await holdRunCardClaim(env.store, 9, 'c1'); // its post waits in the shared outbox
    env.clock.advance(4 * 60_000);
    expect(await claimRunCardCreation(env.store, 9, 'c1')).toBe(false);
    env.clock.advance(61_000);
    expect(await claimRunCardCreation(env.store, 9, 'c1')).toBe(true);
    await rememberRunCard(env.store, {
      runId: 9,
      conversationId: 'c1',
      activityId: 'a9',
      lastUpdate: 1,
    });
    await holdRunCardClaim(env.store, 9, 'c1'); // must not turn the card back into a claim
    expect((await getRunCard(env.store, 9, 'c1'))?.activityId).toBe('a9');
  });

  it('remembers run cards per run, never going back in time', async () => {
    const card = { runId: 12, conversationId: 'c2', activityId: 'a2', lastUpdate: 100 };
    await rememberRunCard(env.store, card);
    await rememberRunCard(env.store, { ...card, conversationId: 'c1', activityId: 'a1' });
    await rememberRunCard(env.store, { ...card, runId: 123, activityId: 'other-run' });
    const newer = await rememberRunCard(env.store, {
      ...card,
      lastUpdate: 200,
      lastStateHash: 'h2',
    });
    expect(newer).toEqual({ ...card, lastUpdate: 200, lastStateHash: 'h2' });
    const stale = await rememberRunCard(env.store, {
      ...card,
      lastUpdate: 150,
      lastStateHash: 'h1',
    });
    expect(stale.lastStateHash).toBe('h2');
    expect(await getRunCard(env.store, 12, 'c2')).toEqual(newer);
    expect((await listRunCards(env.store, 12)).map((c) => c.activityId)).toEqual(['a1', 'a2']);
  });
});
