import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import {
  AuthenticationError,
  ToBotFromBotOrEmulatorTokenValidationParameters,
} from 'botframework-connector';
import { randomUUID } from 'node:crypto';
import { botFrameworkAuthOptions } from '../../src/bot/bot-framework-authentication';
import { cardActionActivity, messageActivity, postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';
import { startTestIssuer, type TestIssuer } from './support/test-issuer';

const APP_ID = '5d9e1f0a-1b2c-4d3e-8f90-a1b2c3d4e5f6';
const OTHER_BOT = '0badb07b-0000-4000-8000-000000000000';
const APP_PASSWORD = 'bot-auth-test-password-7Q~secret';

/**
 * Bot Framework authentication in production configuration, through the real HTTP endpoint:
 * botbuilder's own validation, pointed at a local issuer through its own configuration options
 * (`ToBotFromChannelOpenIdMetadataUrl`, `ToBotFromChannelTokenIssuer`).
 *
 * Outgoing calls (replies) are not exercised with a valid token: botbuilder gets the bot's token
 * with MSAL, which insists on https and on Microsoft's instance discovery
 * (login.microsoftonline.com) for any authority it does not know, and botbuilder exposes no
 * `knownAuthorities` option, so it cannot be pointed at a local token service offline. The valid
 * cases below use activities whose answer travels in the HTTP response (invokes) or needs none.
 */
describe('Bot Framework authentication on /api/messages (production configuration)', () => {
  let issuer: TestIssuer;
  let t: TestApp;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    issuer = await startTestIssuer({
      endorsements: ['msteams'],
      extraKeys: [{ kid: 'webchat-only', endorsements: ['webchat'] }],
    });
    t = await startTestApp({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: APP_PASSWORD,
      MicrosoftAppType: 'MultiTenant',
      ToBotFromChannelOpenIdMetadataUrl: issuer.metadataUrl,
      ToBotFromChannelTokenIssuer: issuer.issuer,
      // Tokens that look like the Emulator's must not send botbuilder to the internet either.
      ToBotFromEmulatorOpenIdMetadataUrl: issuer.metadataUrl,
    });
    // botbuilder console.error()s every rejected token; keep the test output readable.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    await issuer?.close();
  });

  const claims = (over: Record<string, unknown> = {}) => ({
    iss: issuer.issuer,
    aud: APP_ID,
    iat: now() - 10,
    nbf: now() - 10,
    exp: now() + 600,
    serviceurl: t.connector.url,
    ...over,
  });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const help = () => messageActivity('help', { serviceUrl: t.connector.url });
  /** 401, and the bot did nothing: no reply, no command logged. */
  async function expectRejected(headers: Record<string, string>, activity = help()) {
    const before = t.connector.calls.length;
    const res = await postActivity(t.app.url, activity, headers);
    expect(res.status).toBe(401);
    expect(t.connector.calls.length).toBe(before);
    expect(t.logs.join('')).not.toContain(String(activity.id));
  }

  it('refuses a request with no token', async () => {
    await expectRejected({});
  });

  it('refuses a malformed Authorization header', async () => {
    await expectRejected({ authorization: 'Bearer not-a-jwt' });
    await expectRejected({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
    await expectRejected({ authorization: `Bearer ${issuer.sign(claims())} extra` });
  });

  it('refuses a token signed by another key under the published kid (bad signature)', async () => {
    await expectRejected(bearer(issuer.sign(claims(), { key: issuer.rogueKey() })));
  });

  it('refuses a token whose signature was tampered with after signing', async () => {
    const [h, , s] = issuer.sign(claims()).split('.');
    const forged = Buffer.from(JSON.stringify(claims({ aud: APP_ID, admin: true }))).toString(
      'base64url',
    );
    await expectRejected(bearer(`${h}.${forged}.${s}`));
  });

  it('refuses alg=none and HS256 signed with the public key (algorithm confusion)', async () => {
    await expectRejected(bearer(issuer.sign(claims(), { alg: 'none' })));
    await expectRejected(
      bearer(issuer.sign(claims(), { alg: 'HS256', hmacSecret: Buffer.from(issuer.publicPem()) })),
    );
  });

  it('refuses a wrong audience', async () => {
    await expectRejected(bearer(issuer.sign(claims({ aud: 'https://api.botframework.com' }))));
    await expectRejected(bearer(issuer.sign(claims({ aud: undefined }))));
  });

  it('refuses a token for another bot', async () => {
    await expectRejected(bearer(issuer.sign(claims({ aud: OTHER_BOT }))));
  });

  it('refuses a wrong issuer, even when signed with the right key', async () => {
    await expectRejected(bearer(issuer.sign(claims({ iss: 'https://evil.example/issuer' }))));
    await expectRejected(bearer(issuer.sign(claims({ iss: undefined }))));
  });

  it('refuses an expired token (beyond the 5 minute clock tolerance) and a not-yet-valid one', async () => {
    await expectRejected(bearer(issuer.sign(claims({ iat: now() - 7200, exp: now() - 600 }))));
    await expectRejected(bearer(issuer.sign(claims({ nbf: now() + 3600, exp: now() + 7200 }))));
  });

  it('refuses a token whose serviceurl claim is not the activity serviceUrl (reply hijack)', async () => {
    await expectRejected(bearer(issuer.sign(claims({ serviceurl: 'http://127.0.0.1:9/' }))));
    await expectRejected(bearer(issuer.sign(claims({ serviceurl: undefined }))));
  });

  it('refuses a key not endorsed for the activity channel', async () => {
    await expectRejected(bearer(issuer.sign(claims(), { kid: 'webchat-only' })));
  });

  it('refuses tokens with foreign tenants before botbuilder sees them (no process-wide issuer growth)', async () => {
    const issuersBefore = ToBotFromBotOrEmulatorTokenValidationParameters.issuer!.length;
    for (let i = 0; i < 20; i++) {
      await expectRejected(bearer(issuer.sign(claims({ tid: randomUUID() }))));
    }
    expect(ToBotFromBotOrEmulatorTokenValidationParameters.issuer!.length).toBe(issuersBefore);
  });

  it('accepts a valid token: the card action reaches the bot and its answer comes back', async () => {
    const activity = cardActionActivity('no-such-verb', {}, { serviceUrl: t.connector.url });
    const res = await postActivity(t.app.url, activity, bearer(issuer.sign(claims())));
    // The bot's own answer to an unknown verb, in the invoke response: the turn ran.
    expect(res.body).toMatchObject({
      statusCode: 400,
      type: 'application/vnd.microsoft.error',
      value: { message: expect.stringContaining('Unknown action') },
    });
  });

  it('accepts a valid token: an activity that needs no reply gets 200', async () => {
    const activity = {
      ...messageActivity('', { serviceUrl: t.connector.url }),
      type: 'conversationUpdate',
      text: undefined,
    };
    const res = await postActivity(t.app.url, activity, bearer(issuer.sign(claims())));
    expect(res.status).toBe(200);
  });

  it('accepts a token within the 5 minute clock tolerance, as botbuilder does', async () => {
    const activity = cardActionActivity('no-such-verb', {}, { serviceUrl: t.connector.url });
    const res = await postActivity(
      t.app.url,
      activity,
      bearer(issuer.sign(claims({ exp: now() - 60 }))),
    );
    expect(res.status).not.toBe(401);
  });

  it('a valid message reaches the bot (its reply then needs the bot token, see above)', async () => {
    const activity = help();
    const res = await postActivity(t.app.url, activity, bearer(issuer.sign(claims())));
    expect(res.status).not.toBe(401);
    expect(t.logs.join('')).toContain(String(activity.id));
  });

  it('fetched the signing keys from the configured issuer', () => {
    expect(issuer.jwksFetches()).toBeGreaterThanOrEqual(1);
  });

  it('never logs the app password', () => {
    expect(t.logs.join('')).not.toContain(APP_PASSWORD);
  });
});

describe('why the hardening exists (botbuilder as shipped)', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startTestIssuer();
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await issuer.close();
  });

  it('plain ConfigurationBotFrameworkAuthentication throws a non-AuthenticationError for a bad signature (CloudAdapter answers 500)', async () => {
    const plain = new ConfigurationBotFrameworkAuthentication(
      botFrameworkAuthOptions({
        appId: APP_ID,
        appPassword: APP_PASSWORD,
        endpoints: {
          ToBotFromChannelOpenIdMetadataUrl: issuer.metadataUrl,
          ToBotFromChannelTokenIssuer: issuer.issuer,
        },
      }),
    );
    const token = issuer.sign(
      {
        iss: issuer.issuer,
        aud: APP_ID,
        exp: Math.floor(Date.now() / 1000) + 600,
        serviceurl: 'http://127.0.0.1:1/',
      },
      { key: issuer.rogueKey() },
    );
    const activity = { channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/' } as Activity;
    const err: unknown = await plain
      .authenticateRequest(activity, `Bearer ${token}`)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(AuthenticationError);
    expect((err as Error).name).toBe('JsonWebTokenError');
  });

  it('only BotOpenIdMetadata set: the other endpoints get the public cloud values (botbuilder would leave them undefined)', () => {
    const opts = botFrameworkAuthOptions({
      appId: APP_ID,
      appPassword: APP_PASSWORD,
      openIdMetadata: issuer.metadataUrl,
    });
    expect(opts).toMatchObject({
      ToBotFromChannelOpenIdMetadataUrl: issuer.metadataUrl,
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      CallerId: 'urn:botframework:azure',
    });
    // No override: botbuilder's built-in public cloud path, untouched.
    expect(botFrameworkAuthOptions({ appId: APP_ID, appPassword: 'x' })).toEqual({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'x',
      MicrosoftAppTenantId: undefined,
      MicrosoftAppType: undefined,
    });
  });

  it('botbuilder alone: every new tid in an unauthenticated token grows a process-wide issuer list', () => {
    const { EmulatorValidation } =
      require('botframework-connector') as typeof import('botframework-connector');
    const before = ToBotFromBotOrEmulatorTokenValidationParameters.issuer!.length;
    const token = issuer.sign({ iss: 'x', tid: randomUUID() });
    EmulatorValidation.isTokenFromEmulator(`Bearer ${token}`);
    expect(ToBotFromBotOrEmulatorTokenValidationParameters.issuer!.length).toBe(before + 4);
  });
});
