import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createLogger } from '../../src/logging/create-logger';
import { SLACK_CHANNEL_SCOPES, SlackChannel } from '../../src/slack/slack-channel';
import { SLACK_BOT_EVENTS, SLACK_COMMAND, SLACK_EVENTS_PATH } from '../../src/slack/slack-receiver';
import { startFakeSlackApi } from '../support/fake-slack-api';

interface SlackManifest {
  features: { slash_commands: { command: string; url: string }[]; bot_user: unknown };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

const manifest = parse(
  readFileSync(join(__dirname, '..', '..', 'manifest', 'slack.yaml'), 'utf8'),
) as SlackManifest;
const path = (url: string) => new URL(url.replace('<your-host>', 'bot.example.com')).pathname;

describe('manifest/slack.yaml agrees with the code', () => {
  it('registers the slash command the receiver handles, on its one request URL', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([SLACK_COMMAND]);
    const urls = [
      ...manifest.features.slash_commands.map((c) => c.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ];
    for (const url of urls) {
      expect(url).toMatch(/^https:\/\//);
      expect(path(url)).toBe(SLACK_EVENTS_PATH);
    }
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('subscribes to the bot events the receiver listens to, with their scopes', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      Object.keys(SLACK_BOT_EVENTS).sort(),
    );
    for (const scope of Object.values(SLACK_BOT_EVENTS)) {
      expect(manifest.oauth_config.scopes.bot).toContain(scope);
    }
    expect(manifest.oauth_config.scopes.bot).toContain('commands');
  });

  it('grants every scope of every Web API method the channel calls', async () => {
    for (const scopes of Object.values(SLACK_CHANNEL_SCOPES)) {
      for (const scope of scopes) expect(manifest.oauth_config.scopes.bot).toContain(scope);
    }
    // And the table is the truth: the channel calls exactly these methods.
    const api = await startFakeSlackApi({ token: 'xoxb-m', users: { U1: { name: 'a' } } });
    try {
      const slack = new SlackChannel({
        botToken: 'xoxb-m',
        apiUrl: api.url,
        logger: createLogger({ level: 'silent' }),
      });
      const { ts } = await slack.send('C1', { text: 'a' });
      await slack.update('C1', ts, { text: 'b' });
      await slack.ephemeral('C1', 'U1', { text: 'c' });
      await slack.openDm('U1');
      await slack.person('U1');
      expect([...new Set(api.calls.map((c) => c.method))].sort()).toEqual(
        Object.keys(SLACK_CHANNEL_SCOPES).sort(),
      );
    } finally {
      await api.close();
    }
  });
});
