import { interactionForm, slackSignature, slashCommandForm } from '../support/slack-signature';
import { SIGNING_SECRET, startSlackRig, type SlackRig } from './slack-rig';

const FORM = 'application/x-www-form-urlencoded';

describe('Slack receiver on POST /slack/events (real Bolt, our restify server)', () => {
  let rig: SlackRig;
  beforeEach(async () => {
    rig = await startSlackRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  const post = (
    body: string,
    contentType: string,
    headers: Record<string, string> = slackSignature(body, SIGNING_SECRET),
  ) =>
    fetch(rig.eventsUrl, {
      method: 'POST',
      headers: { 'Content-Type': contentType, ...headers },
      body,
    });

  it('turns a signed slash command into a message turn, with the email Slack knows', async () => {
    const body = slashCommandForm({
      text: ' deploy custom-qa model v3 ',
      trigger_id: '111.222.aaa',
      channel_id: 'C0001',
    });
    const res = await post(body, FORM);
    expect(res.status).toBe(200);
    await rig.receiver.idle();
    expect(rig.turns).toEqual([
      {
        platform: 'slack',
        kind: 'message',
        deliveryId: '111.222.aaa',
        actor: { slackUserId: 'U0001', name: 'Ada Lovelace', email: 'ada@digitre.ai' },
        conversation: { id: 'C0001', type: 'channel' },
        text: 'deploy custom-qa model v3',
        responseUrl: 'https://hooks.slack.com/commands/T0001/1/abc',
      },
    ]);
    expect(rig.slackApi.callsTo('users.info')).toHaveLength(1);
  });

  it('turns a button click into an action turn with its verb, value and message', async () => {
    const body = interactionForm({
      type: 'block_actions',
      trigger_id: '333.444.bbb',
      team: { id: 'T0001', domain: 'digitre' },
      api_app_id: 'A0001',
      token: 'x',
      user: { id: 'U0001', username: 'ada', name: 'ada', team_id: 'T0001' },
      channel: { id: 'C0001', name: 'ml-deploys' },
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0001' },
      message: { type: 'message', ts: '1700000000.000100', text: 'approval' },
      response_url: 'https://hooks.slack.com/actions/T0001/2/def',
      actions: [
        {
          type: 'button',
          action_id: 'approve',
          block_id: 'b1',
          value: '{"approvalId":"a1","sig":"x"}',
          text: { type: 'plain_text', text: 'Approve' },
          action_ts: '1700000001.1',
        },
      ],
    });
    const res = await post(body, FORM);
    expect(res.status).toBe(200);
    await rig.receiver.idle();
    expect(rig.turns).toEqual([
      expect.objectContaining({
        kind: 'action',
        deliveryId: '333.444.bbb',
        actionId: 'approve',
        value: '{"approvalId":"a1","sig":"x"}',
        messageTs: '1700000000.000100',
        conversation: { id: 'C0001', type: 'channel' },
        responseUrl: 'https://hooks.slack.com/actions/T0001/2/def',
      }),
    ]);
  });

  const mention = (eventId: string) =>
    JSON.stringify({
      token: 'x',
      team_id: 'T0001',
      api_app_id: 'A0001',
      type: 'event_callback',
      event_id: eventId,
      event_time: 1700000000,
      event: {
        type: 'app_mention',
        user: 'U0002',
        text: '<@UBOT> status custom-qa',
        ts: '1700000000.000200',
        channel: 'C0001',
        event_ts: '1700000000.000200',
      },
    });

  it('turns a mention into a message turn without the mention', async () => {
    expect((await post(mention('Ev01'), 'application/json')).status).toBe(200);
    await rig.receiver.idle();
    expect(rig.turns).toEqual([
      expect.objectContaining({
        kind: 'message',
        deliveryId: 'Ev01',
        text: 'status custom-qa',
        actor: { slackUserId: 'U0002', name: 'U0002', email: undefined },
      }),
    ]);
  });

  it('takes what a person types in a DM, not edits or its own posts', async () => {
    const dm = (eventId: string, event: object) =>
      JSON.stringify({
        token: 'x',
        team_id: 'T0001',
        api_app_id: 'A0001',
        type: 'event_callback',
        event_id: eventId,
        event_time: 1700000000,
        event: { type: 'message', channel: 'D0001', channel_type: 'im', ts: '1.2', ...event },
      });
    await post(dm('Ev10', { user: 'U0001', text: 'help' }), 'application/json');
    await post(
      dm('Ev11', { subtype: 'message_changed', message: { text: 'x' } }),
      'application/json',
    );
    await post(
      dm('Ev12', { user: 'UBOT', bot_id: 'BBOT', text: 'Run queued' }),
      'application/json',
    );
    await rig.receiver.idle();
    expect(rig.turns).toEqual([
      expect.objectContaining({
        deliveryId: 'Ev10',
        text: 'help',
        conversation: { id: 'D0001', type: 'im' },
      }),
    ]);
  });

  it("never repeats an effect for Slack's retries of the same event or command", async () => {
    const event = mention('Ev02');
    expect((await post(event, 'application/json')).status).toBe(200);
    for (const retry of ['1', '2']) {
      const headers = {
        ...slackSignature(event, SIGNING_SECRET),
        'X-Slack-Retry-Num': retry,
        'X-Slack-Retry-Reason': 'http_timeout',
      };
      expect((await post(event, 'application/json', headers)).status).toBe(200);
    }
    const command = slashCommandForm({ text: 'deploy custom-qa model v3', trigger_id: '9.9.z' });
    await post(command, FORM);
    await post(command, FORM);
    await rig.receiver.idle();
    expect(rig.turns.map((t) => t.deliveryId)).toEqual(['Ev02', '9.9.z']);
  });

  it('handles commands even while Slack will not say who the bot is (auth.test)', async () => {
    rig.slackApi.failNext('auth.test', { status: 429, retryAfterSec: 30 });
    const first = slashCommandForm({ text: 'status', trigger_id: '8.8.h' });
    expect((await post(first, FORM)).status).toBe(200);
    const second = slashCommandForm({ text: 'help', trigger_id: '8.8.i' });
    expect((await post(second, FORM)).status).toBe(200);
    await rig.receiver.idle();
    expect(rig.turns.map((t) => t.deliveryId)).toEqual(['8.8.h', '8.8.i']);
    // Asked once per request until it answers, then no more.
    expect(rig.slackApi.callsTo('auth.test')).toHaveLength(2);
  });

  it('answers the URL verification challenge', async () => {
    const body = JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' });
    const res = await post(body, 'application/json');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('c-123');
  });

  it('refuses unsigned, forged and stale requests with 401, and nothing happens', async () => {
    const body = slashCommandForm({ text: 'deploy prod model v3', trigger_id: '5.5.e' });
    const now = Math.floor(Date.now() / 1000);
    const attempts: Record<string, string>[] = [
      {},
      slackSignature(body, 'ffffffffffffffffffffffffffffffff'),
      slackSignature(body, SIGNING_SECRET, now - 6 * 60),
      slackSignature(body, SIGNING_SECRET, now + 6 * 60),
      // Signed for another body: the signature covers every byte.
      slackSignature(body.replace('prod', 'dev'), SIGNING_SECRET),
      { ...slackSignature(body, SIGNING_SECRET), 'X-Slack-Signature': 'v0=' + '0'.repeat(64) },
    ];
    for (const headers of attempts) {
      expect((await post(body, FORM, headers)).status).toBe(401);
    }
    await rig.receiver.idle();
    expect(rig.turns).toEqual([]);
    // Nothing was even deduplicated: the genuine request still goes through afterwards.
    expect((await post(body, FORM)).status).toBe(200);
    await rig.receiver.idle();
    expect(rig.turns.map((t) => t.deliveryId)).toEqual(['5.5.e']);
  });

  it('acknowledges before the turn is handled (Slack allows 3 s)', async () => {
    const release = rig.holdTurns();
    const body = slashCommandForm({ text: 'deploy custom-qa model v3', trigger_id: '7.7.g' });
    const res = await post(body, FORM);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    // Slack has its answer while the turn is still being handled.
    expect(rig.receiver.inFlight()).toBe(1);
    release();
    await rig.receiver.idle();
    expect(rig.receiver.inFlight()).toBe(0);
    expect(rig.turns).toHaveLength(1);
  });
});
