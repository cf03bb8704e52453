import { randomUUID } from 'node:crypto';
import { ALEX, messageActivity, postActivity } from '../support/activities';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { startTestApp, type TestApp } from '../support/start-test-app';
import { staticBotCredentials } from './support/static-bot-credentials';
import { startTestIssuer, type TestIssuer } from './support/test-issuer';

const APP_ID = '7e1d2c3b-4a59-4687-9a1b-2c3d4e5f6a7b';
const OTHER_BOT = '0badb07b-0000-4000-8000-000000000000';
const BF_TENANT = 'd6d49420-f39b-4df7-a1dc-d59a935871db';
const BF_TENANT_2 = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

/**
 * Tokens botbuilder would route around its channel checks. botbuilder sends a token whose
 * issuer is one of the Bot Framework Emulator's (or that looks like a skill's) down its Emulator /
 * skill path, which checks neither the audience nor the `serviceurl` claim, and trusts any key in
 * the Emulator's OpenID metadata (in production: all of Entra ID's). Anyone holding the app
 * password can mint such a token, forge `from`, and have the bot post — with its own bearer
 * token — to a serviceUrl of their choosing. Outside the Teams channel path every one is a 401.
 *
 * The Emulator metadata is pointed at the test issuer, so these tokens carry valid signatures:
 * what refuses them is the policy, not a bad key. The bot's own outgoing token is static
 * (botbuilder's credentials extension point), so an accepted turn would really post.
 */
describe('forged Bot Framework tokens get 401 and the bot never posts to their serviceUrl', () => {
  let issuer: TestIssuer;
  let t: TestApp;
  let attacker: FakeConnector;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    issuer = await startTestIssuer({
      endorsements: ['msteams'],
      extraKeys: [{ kid: 'webchat-key', endorsements: ['webchat'] }],
    });
    attacker = await startFakeConnector();
    t = await startTestApp(
      {
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'forged-tokens-test-password',
        ToBotFromChannelOpenIdMetadataUrl: issuer.metadataUrl,
        ToBotFromChannelTokenIssuer: issuer.issuer,
        ToBotFromEmulatorOpenIdMetadataUrl: issuer.metadataUrl,
      },
      { botCredentialsFactory: staticBotCredentials(APP_ID, 'bot-outgoing-token') },
    );
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    await attacker?.close();
    await issuer?.close();
  });

  const channelClaims = (serviceUrl: string, over: Record<string, unknown> = {}) => ({
    iss: issuer.issuer,
    aud: APP_ID,
    iat: now() - 10,
    nbf: now() - 10,
    exp: now() + 600,
    serviceurl: serviceUrl,
    ...over,
  });
  const aadClaims = (over: Record<string, unknown>) => ({
    aud: APP_ID,
    iat: now() - 10,
    nbf: now() - 10,
    exp: now() + 600,
    ...over,
  });

  /** [what, token, activity channelId] */
  const FORGERIES: [string, () => string, string][] = [
    [
      'an Emulator v1 token (appid = our app id, Bot Framework tenant issuer)',
      () =>
        issuer.sign(
          aadClaims({
            iss: `https://sts.windows.net/${BF_TENANT}/`,
            ver: '1.0',
            appid: APP_ID,
            tid: BF_TENANT,
          }),
        ),
      'msteams',
    ],
    [
      'an Emulator v2 token (azp = our app id)',
      () =>
        issuer.sign(
          aadClaims({
            iss: `https://login.microsoftonline.com/${BF_TENANT}/v2.0`,
            ver: '2.0',
            azp: APP_ID,
            tid: BF_TENANT,
          }),
        ),
      'msteams',
    ],
    [
      "an Emulator v1 token from the Bot Framework's second tenant",
      () =>
        issuer.sign(
          aadClaims({
            iss: `https://sts.windows.net/${BF_TENANT_2}/`,
            ver: '1.0',
            appid: APP_ID,
            tid: BF_TENANT_2,
          }),
        ),
      'msteams',
    ],
    [
      'a skill token from another bot (azp = another app id, aud = ours)',
      () =>
        issuer.sign(
          aadClaims({
            iss: `https://login.microsoftonline.com/${BF_TENANT}/v2.0`,
            ver: '2.0',
            azp: OTHER_BOT,
            tid: BF_TENANT,
          }),
        ),
      'msteams',
    ],
    [
      'a channel-issuer token carrying skill claims (ver, appid of another bot)',
      () => issuer.sign(channelClaims(attacker.url, { ver: '1.0', appid: OTHER_BOT })),
      'msteams',
    ],
    [
      'a channel token without exp',
      () => issuer.sign(channelClaims(attacker.url, { exp: undefined })),
      'msteams',
    ],
    [
      'a channel token for a Web Chat activity (not Teams)',
      () => issuer.sign(channelClaims(attacker.url), { kid: 'webchat-key' }),
      'webchat',
    ],
  ];

  it.each(FORGERIES)('refuses %s', async (_name, token, channelId) => {
    const activity: Record<string, unknown> = {
      ...messageActivity('help', {
        serviceUrl: attacker.url,
        conversationId: `a:forged-${randomUUID()}`,
        from: { ...ALEX, name: 'Forged Alex' },
      }),
      channelId,
    };
    const res = await postActivity(t.app.url, activity, { authorization: `Bearer ${token()}` });
    expect(res.status).toBe(401);
    // An accepted turn answers help within milliseconds; give it time to show.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(attacker.calls).toEqual([]);
    expect(t.logs.join('')).not.toContain(String(activity.id));
  });

  it('still accepts a Teams channel token: the reply goes to the serviceUrl the token names', async () => {
    const conversationId = `a:genuine-${randomUUID()}`;
    const activity = messageActivity('help', { serviceUrl: t.connector.url, conversationId });
    const res = await postActivity(t.app.url, activity, {
      authorization: `Bearer ${issuer.sign(channelClaims(t.connector.url))}`,
    });
    expect(res.status).toBe(200);
    await t.connector.waitFor(1, (c) => c.conversationId === conversationId);
    expect(attacker.calls).toEqual([]);
  });
});
