import { WebClient } from '@slack/web-api';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api';

// The fake answers as Slack does, or the tests built on it prove nothing.
describe('the fake Slack Web API', () => {
  let api: FakeSlackApi;
  const client = (token: string) =>
    new WebClient(token, { slackApiUrl: api.url, retryConfig: { retries: 0 } });
  beforeEach(async () => {
    api = await startFakeSlackApi({ token: 'xoxb-fake' });
  });
  afterEach(async () => {
    await api.close();
  });

  it('records views.open with its view', async () => {
    const view = { type: 'modal', title: { type: 'plain_text', text: 'Reject' }, blocks: [] };
    const r = await client('xoxb-fake').views.open({ trigger_id: 't1', view: view as never });
    expect(r.ok).toBe(true);
    expect(api.callsTo('views.open')[0]!.args).toMatchObject({ trigger_id: 't1', view });
  });

  it('records the trigger id of views.open, and refuses a view over Slack limits or without a trigger', async () => {
    const view = {
      type: 'modal',
      title: { type: 'plain_text', text: 'Reject a very long environment name' },
      blocks: [],
    };
    await expect(
      client('xoxb-fake').views.open({ trigger_id: 't2', view: view as never }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    const fine = { ...view, title: { type: 'plain_text', text: 'Reject prod' } };
    await expect(
      client('xoxb-fake').views.open({ trigger_id: '', view: fine as never }),
    ).rejects.toMatchObject({ data: { error: 'invalid_trigger_id' } });
    expect(api.callsTo('views.open').map((c) => c.args.trigger_id)).toEqual(['t2', '']);
  });

  it('checks the token and records nothing for a wrong one', async () => {
    await expect(client('xoxb-other').auth.test()).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    await expect(
      new WebClient(undefined, { slackApiUrl: api.url }).auth.test(),
    ).rejects.toMatchObject({
      data: { error: 'not_authed' },
    });
    expect(api.calls).toEqual([]);
  });

  it('answers 429 with Retry-After as Slack does', async () => {
    api.failNext('chat.postMessage', { status: 429, retryAfterSec: 3 });
    const res = await fetch(`${api.url}chat.postMessage`, {
      method: 'POST',
      headers: { Authorization: 'Bearer xoxb-fake', 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel: 'C1', text: 'x' }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toEqual({ ok: false, error: 'ratelimited' });
  });
});
