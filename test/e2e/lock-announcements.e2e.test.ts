import { setDefaultNotificationChannel } from '../../src/conversations/default-notification-channel';
import { text } from '../support/card-inspection';
import { ALEX, messageActivity, postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';

const BOB = {
  id: '29:bob-teams-id',
  name: 'Bob Builder',
  aadObjectId: '00000000-0000-0000-0000-0000000000b0',
  userPrincipalName: 'ml.engineer@digitre.example',
};
const CHANNEL = '19:lock-news@thread.tacv2';

describe('lock changes reach the team and the lock’s holder', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const say = (words: string, conversationId: string, from: typeof ALEX) =>
    postActivity(
      t.app.url,
      messageActivity(words, {
        serviceUrl: t.connector.url,
        conversationId,
        from,
        conversationType: conversationId === CHANNEL ? 'channel' : 'personal',
      }),
    );
  const postedIn = (conversationId: string, words: string) =>
    t.connector.waitFor(
      1,
      (c) => c.conversationId === conversationId && c.method === 'POST' && text(c).includes(words),
    );

  it('lock and unlock are announced in the channel; a force-unlock tells the holder', async () => {
    // The team's channel heard the bot once (so it can be posted to) and is the default channel.
    await say('help', CHANNEL, ALEX);
    await postedIn(CHANNEL, 'What I can do');
    await setDefaultNotificationChannel(t.app.store, CHANNEL);

    await say('lock prod release 7 going out', 'a:bob-personal', BOB);
    await postedIn('a:bob-personal', 'Production is locked');
    const [locked] = await postedIn(CHANNEL, 'Production locked by Bob Builder');
    expect(text(locked!)).toContain('release 7 going out');

    await say('unlock prod --force', 'a:alex-personal', ALEX);
    await postedIn('a:alex-personal', 'Production is unlocked');
    const [unlocked] = await postedIn(CHANNEL, 'Production unlocked by Alex Wilber');
    expect(text(unlocked!)).toContain('Bob Builder');
    const [told] = await postedIn('a:bob-personal', 'Alex Wilber released your lock on Production');
    expect(text(told!)).toContain('release 7 going out');
  });
});
