import { randomUUID } from 'node:crypto';
import { messageActivity, postActivity } from '../support/activities';
import { startTestApp, type TestApp } from '../support/start-test-app';
import { startTestIssuer, type TestIssuer } from './support/test-issuer';

const APP_ID = '5d9e1f0a-1b2c-4d3e-8f90-a1b2c3d4e5f6';

/**
 * A web page the developer has open can POST a form to http://127.0.0.1:3978/api/messages
 * without a CORS preflight (form-urlencoded, multipart and text/plain are "simple" requests).
 * Only a JSON body is an activity; everything else is a 415 before any parsing, with or without
 * an app id, so such a page can neither queue a run nor make the bot post to a serviceUrl it names.
 */
describe.each([
  ['local mode (no app id)', false],
  ['with an app id and a valid channel token', true],
])('only application/json reaches the bot: %s', (_name, withAppId) => {
  let t: TestApp;
  let issuer: TestIssuer | undefined;
  let headers: Record<string, string> = {};

  beforeAll(async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    if (withAppId) {
      issuer = await startTestIssuer({ endorsements: ['msteams'] });
      t = await startTestApp({
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'content-type-test-password',
        ToBotFromChannelOpenIdMetadataUrl: issuer.metadataUrl,
        ToBotFromChannelTokenIssuer: issuer.issuer,
      });
      const now = Math.floor(Date.now() / 1000);
      headers = {
        authorization: `Bearer ${issuer.sign({
          iss: issuer.issuer,
          aud: APP_ID,
          iat: now - 10,
          nbf: now - 10,
          exp: now + 600,
          serviceurl: t.connector.url,
        })}`,
      };
    } else {
      t = await startTestApp();
    }
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    await issuer?.close();
  });

  /** The activity fields a hostile page would put in its form. */
  const formFields = (): [string, string][] => [
    ['type', 'message'],
    ['id', randomUUID()],
    ['channelId', 'msteams'],
    ['serviceUrl', t.connector.url],
    ['text', 'deploy qa'],
    ['from[id]', '29:alex-teams-id'],
    ['from[name]', 'Alex Wilber'],
    ['from[aadObjectId]', '00000000-0000-0000-0000-00000000a1e1'],
    ['conversation[id]', 'a:form-post-chat'],
    ['conversation[conversationType]', 'personal'],
    ['recipient[id]', '28:digitre-bot'],
  ];

  async function expectRefused(body: string | FormData, contentType?: string) {
    const runsBefore = t.app.emulator!.engine.runs().length;
    const callsBefore = t.connector.calls.length;
    const res = await fetch(`${t.app.url}/api/messages`, {
      method: 'POST',
      headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      error: expect.stringContaining('application/json') as unknown,
    });
    // Give a wrongly accepted turn time to queue and reply before looking.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(t.app.emulator!.engine.runs().length).toBe(runsBefore);
    expect(t.connector.calls.length).toBe(callsBefore);
  }

  it('refuses a form-urlencoded post: 415, no run queued, nothing posted to its serviceUrl', async () => {
    await expectRefused(
      new URLSearchParams(formFields()).toString(),
      'application/x-www-form-urlencoded',
    );
  });

  it('refuses a multipart post: 415, no run queued, nothing posted to its serviceUrl', async () => {
    const form = new FormData();
    for (const [k, v] of formFields()) form.append(k, v);
    await expectRefused(form);
  });

  it('refuses text/plain, a JSON-looking vendor type, a missing type and a non-UTF-8 charset', async () => {
    const json = JSON.stringify(messageActivity('deploy qa', { serviceUrl: t.connector.url }));
    await expectRefused(json, 'text/plain');
    await expectRefused(json, 'application/vnd.evil+json');
    await expectRefused(json, 'application/jsonp');
    await expectRefused(json);
    await expectRefused(json, 'application/json; charset=utf-16');
  });

  it('refuses a form post to /api/ado-events with 415 too', async () => {
    const res = await fetch(`${t.app.url}/api/ado-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=1&eventType=build.complete',
    });
    expect(res.status).toBe(415);
  });

  it('still accepts application/json, with and without a UTF-8 charset', async () => {
    for (const contentType of ['application/json', 'Application/JSON; charset="UTF-8"']) {
      const conv = `a:json-chat-${randomUUID()}`;
      const activity = messageActivity('help', {
        serviceUrl: t.connector.url,
        conversationId: conv,
      });
      const res = await postActivity(t.app.url, activity, {
        ...headers,
        'content-type': contentType,
      });
      expect(res.status).not.toBe(415);
      expect(res.status).toBeLessThan(300);
      // Replies need the bot's own token, which cannot be had offline with an app id.
      if (!withAppId) await t.connector.waitFor(1, (c) => c.conversationId === conv);
      else expect(t.logs.join('')).toContain(String(activity.id));
    }
  });
});
