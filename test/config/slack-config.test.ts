import { ConfigError, loadConfig } from '../../src/config/load-config';

const TOKEN = 'xoxb-1234-5678-abcdefghijkl';
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[yz]/g, 'e');

describe('Slack configuration', () => {
  it('is off without the Slack variables', () => {
    expect(loadConfig({}).slack).toBeUndefined();
  });

  it('is on with both secrets, which join the masked secrets', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET });
    expect(c.slack).toEqual({ botToken: TOKEN, signingSecret: SECRET, apiUrl: undefined });
    expect(c.secrets).toEqual(expect.arrayContaining([TOKEN, SECRET]));
  });

  it('reads a Web API base for tests and local trials', () => {
    const c = loadConfig({
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: 'http://127.0.0.1:4321/api/',
    });
    expect(c.slack?.apiUrl).toBe('http://127.0.0.1:4321/api/');
  });

  it.each([
    [{ SLACK_BOT_TOKEN: TOKEN }, /SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN/],
    [{ SLACK_SIGNING_SECRET: SECRET }, /SLACK_BOT_TOKEN: required with SLACK_SIGNING_SECRET/],
    [
      { SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_SIGNING_SECRET: SECRET },
      /SLACK_BOT_TOKEN: must be/,
    ],
    [{ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: 'secret' }, /SLACK_SIGNING_SECRET: must be/],
    [
      { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: 'http://x/' },
      /SLACK_API_URL: must end with \/api\//,
    ],
    [
      { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: 'ftp://x/api/' },
      /SLACK_API_URL: must be an http\(s\) URL/,
    ],
    [{ SLACK_API_URL: 'https://slack.com/api/' }, /SLACK_API_URL: set without SLACK_BOT_TOKEN/],
  ])('%j stops the bot with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('raises a coded error, as every error the bot raises on purpose', () => {
    let caught: unknown;
    try {
      loadConfig({ SLACK_BOT_TOKEN: TOKEN });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({ code: 'configInvalid', name: 'ConfigError' });
  });
});
