import { slackSignature, slashCommandForm } from '../support/slack-signature';
import { MO, SECRET, text, useSlackApp } from '../slack/slack-app-rig';

describe('Slack end to end, requests: mentions, DMs, signatures and retries through the real app', () => {
  const s = useSlackApp();
  let seq = 0;

  it('a mention in a channel and a DM to the app run commands too', async () => {
    const event = (eventId: string, e: Record<string, unknown>) => {
      const body = JSON.stringify({
        token: 'x',
        team_id: 'T0001',
        api_app_id: 'A0001',
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        event: { ts: '1700000100.000100', event_ts: '1700000100.000100', ...e },
      });
      return s.post(body, slackSignature(body, SECRET), 'application/json');
    };
    const posted = s.slack.callsTo('chat.postMessage').length;
    const before = s.lastRunId();
    const mention = await event('Ev0MENTION', {
      type: 'app_mention',
      user: MO.id,
      text: '<@UBOT> deploy dev model v2',
      channel: 'C0MENTION',
    });
    expect(mention.status).toBe(200);
    await s.answer('C0MENTION', posted, (x) => text(x).includes('[DEV]-Build_and_Deploy'));
    expect(s.runsAfter(before)).toHaveLength(1);
    const dm = await event('Ev0DM', {
      type: 'message',
      channel_type: 'im',
      user: MO.id,
      text: 'help',
      channel: 'D0MODM',
    });
    expect(dm.status).toBe(200);
    await s.answer('D0MODM', posted, (x) => text(x).includes('deploy'));
  });

  it('forged or stale signatures get 401 and queue nothing', async () => {
    const before = s.lastRunId();
    const body = slashCommandForm({
      text: 'deploy qa model v2',
      trigger_id: `forged.${++seq}`,
      channel_id: 'C0SIG',
    });
    expect((await s.post(body, slackSignature(body, 'ab'.repeat(16)))).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    expect((await s.post(body, slackSignature(body, SECRET, stale))).status).toBe(401);
    expect((await s.post(body, {})).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.runsAfter(before)).toHaveLength(0);
    expect(s.slack.calls.filter((x) => x.args.channel === 'C0SIG')).toHaveLength(0);
  });

  it('a Slack retry (X-Slack-Retry-Num) of the same command queues nothing twice', async () => {
    const before = s.lastRunId();
    const posted = s.slack.callsTo('chat.postMessage').length;
    const { body } = await s.command('deploy qa model v2', 'C0RETRY', MO);
    const retry = await s.post(body, {
      ...slackSignature(body, SECRET),
      'X-Slack-Retry-Num': '1',
      'X-Slack-Retry-Reason': 'http_timeout',
    });
    expect(retry.status).toBe(200);
    await s.answer('C0RETRY', posted, (x) => text(x).includes('[QA]-Deploy'));
    await new Promise((r) => setTimeout(r, 500));
    expect(s.runsAfter(before)).toHaveLength(1);
  });
});
