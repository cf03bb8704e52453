import { isCodedError } from '../../src/errors/coded-error';
import { createLogger } from '../../src/logging/create-logger';
import { SlackApiError } from '../../src/slack/slack-api-error';
import { SlackChannel } from '../../src/slack/slack-channel';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api';

const TOKEN = 'xoxb-9-9-channeltest';
const logger = createLogger({ level: 'silent' });
const section = (text: string) => ({
  type: 'section' as const,
  text: { type: 'mrkdwn' as const, text },
});

describe('SlackChannel against the fake Slack Web API (real @slack/web-api client)', () => {
  let api: FakeSlackApi;
  let slack: SlackChannel;
  beforeEach(async () => {
    api = await startFakeSlackApi({
      token: TOKEN,
      users: { U0001: { name: 'Ada Lovelace', email: 'ada@digitre.ai' }, U0002: { name: 'Bot' } },
    });
    slack = new SlackChannel({ botToken: TOKEN, apiUrl: api.url, logger });
  });
  afterEach(async () => {
    await api.close();
  });

  it('posts a message, then updates that same message in place', async () => {
    const { channel, ts } = await slack.send('C0001', {
      text: 'Run queued',
      blocks: [section('*[Manual]-[Custom-QA]-Deploy* queued')],
    });
    expect(channel).toBe('C0001');
    await slack.update(channel, ts, { text: 'Succeeded', blocks: [section('Succeeded')] });
    expect(api.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update']);
    expect(api.callsTo('chat.postMessage')[0]!.args).toMatchObject({
      channel: 'C0001',
      text: 'Run queued',
      blocks: [section('*[Manual]-[Custom-QA]-Deploy* queued')],
    });
    expect(api.callsTo('chat.update')[0]!.args).toMatchObject({
      channel: 'C0001',
      ts,
      text: 'Succeeded',
    });
  });

  it('surfaces a 429 with its Retry-After after one attempt, as the outbox reads it', async () => {
    api.failNext('chat.update', { status: 429, retryAfterSec: 7 });
    const { ts } = await slack.send('C0001', { text: 'x' });
    const err = await slack.update('C0001', ts, { text: 'y' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackApiError);
    expect(err).toMatchObject({
      code: 'rateLimited',
      status: 429,
      retryAfterMs: 7000,
      method: 'chat.update',
    });
    // One attempt: the client did not sleep and retry by itself.
    expect(api.callsTo('chat.update')).toHaveLength(1);
    // The shape the Teams delivery classifier reads (statusCode, a retry-after header).
    expect(err).toMatchObject({ statusCode: 429, response: { headers: { 'retry-after': '7' } } });
    // The next attempt goes through.
    await expect(slack.update('C0001', ts, { text: 'y' })).resolves.toBeUndefined();
  });

  it('surfaces a refused token as invalidAuth, which no retry fixes', async () => {
    const wrong = new SlackChannel({ botToken: 'xoxb-wrong', apiUrl: api.url, logger });
    const err = await wrong.send('C0001', { text: 'x' }).catch((e: unknown) => e);
    expect(isCodedError(err, 'invalidAuth')).toBe(true);
    expect(err).toMatchObject({ status: 401, slackError: 'invalid_auth' });
    expect((err as Error).message).toMatch(/SLACK_BOT_TOKEN/);
    expect(err).toMatchObject({ statusCode: 401, response: { headers: {} } });
    api.failNext('chat.postEphemeral', { error: 'token_revoked' });
    await expect(slack.ephemeral('C0001', 'U0001', { text: 'x' })).rejects.toMatchObject({
      code: 'invalidAuth',
    });
  });

  it('surfaces a payload Slack refuses, and a message that does not exist', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`row ${i}`));
    await expect(slack.send('C0001', { text: 'x', blocks: tooMany })).rejects.toMatchObject({
      code: 'refused',
      status: 400,
      slackError: 'invalid_blocks',
    });
    await expect(slack.send('C0001', { text: 'x'.repeat(40_001) })).rejects.toMatchObject({
      slackError: 'msg_too_long',
    });
    await expect(slack.update('C0001', '1.2', { text: 'x' })).rejects.toMatchObject({
      slackError: 'message_not_found',
    });
  });

  it('surfaces an unreachable Slack as unreachable (the outbox retries it)', async () => {
    await api.close();
    const err = await slack.send('C0001', { text: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unreachable', status: 503 });
    api = await startFakeSlackApi({ token: TOKEN });
  });

  it('sends ephemerals, opens DMs and reads the email that matches the catalog', async () => {
    await slack.ephemeral('C0001', 'U0002', { text: 'Only approvers can approve prod' });
    expect(api.callsTo('chat.postEphemeral')[0]!.args).toMatchObject({
      channel: 'C0001',
      user: 'U0002',
    });
    await expect(slack.openDm('U0001')).resolves.toBe('DU0001');
    await expect(slack.person('U0001')).resolves.toEqual({
      name: 'Ada Lovelace',
      email: 'ada@digitre.ai',
    });
    await expect(slack.person('U0002')).resolves.toEqual({ name: 'Bot', email: undefined });
    await expect(slack.person('U0404')).rejects.toMatchObject({
      code: 'refused',
      slackError: 'user_not_found',
    });
  });
});
