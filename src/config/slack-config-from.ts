import type { SlackConfig } from './app-config';
import { invalidVariable } from './config-error';
import type { Env } from './env-schema';

/**
 * Slack is on only with both its secrets. One without the other is a half-done setup, and a
 * Web API base without Slack points nowhere: both stop the bot with the variable that is missing.
 * @example slackConfigFrom({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'ab…' } as Env)
 */
export function slackConfigFrom(e: Env): SlackConfig | undefined {
  const { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret } = e;
  if (botToken && !signingSecret) {
    throw invalidVariable(
      'SLACK_SIGNING_SECRET',
      'required with SLACK_BOT_TOKEN (without it nobody can tell Slack requests from forged ones)',
    );
  }
  if (signingSecret && !botToken) {
    throw invalidVariable(
      'SLACK_BOT_TOKEN',
      'required with SLACK_SIGNING_SECRET (the bot answers Slack through its Web API)',
    );
  }
  if (!botToken || !signingSecret) {
    if (e.SLACK_API_URL) {
      throw invalidVariable(
        'SLACK_API_URL',
        'set without SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, so Slack is off; set both or unset it',
      );
    }
    return undefined;
  }
  return { botToken, signingSecret, apiUrl: e.SLACK_API_URL };
}
