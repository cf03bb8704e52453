import { createHmac } from 'node:crypto';

/**
 * The headers Slack puts on every request it sends: `v0=` + HMAC-SHA256 of
 * `v0:{timestamp}:{body}` with the app's signing secret, and the timestamp in seconds.
 * @example await fetch(url, { method: 'POST', body, headers: { ...slackSignature(body, SECRET) } });
 */
export function slackSignature(
  body: string,
  signingSecret: string,
  timestampSec = Math.floor(Date.now() / 1000),
): Record<'X-Slack-Request-Timestamp' | 'X-Slack-Signature', string> {
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${timestampSec}:${body}`)
    .digest('hex');
  return { 'X-Slack-Request-Timestamp': String(timestampSec), 'X-Slack-Signature': `v0=${digest}` };
}

/** A slash command's form body, as Slack posts it (`application/x-www-form-urlencoded`). */
export function slashCommandForm(fields: {
  text: string;
  trigger_id: string;
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
}): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    team_domain: 'digitre',
    channel_id: 'C0001',
    channel_name: 'ml-deploys',
    user_id: 'U0001',
    user_name: 'ada',
    command: '/digitre',
    api_app_id: 'A0001',
    response_url: 'https://hooks.slack.com/commands/T0001/1/abc',
    ...fields,
  }).toString();
}

/** An interactivity payload's form body: Slack wraps the JSON in one `payload` field. */
export function interactionForm(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
