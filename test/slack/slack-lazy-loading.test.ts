import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { botChildEnv } from '../support/bot-process';

const ROOT = join(__dirname, '..', '..');

/**
 * A Teams-only start never loads Bolt or the Slack Web API client: start-app requires the Slack
 * side only when `config.slack` is set. A child process, because jest's module registry is not
 * Node's.
 */
const CHILD = `
const slackLoaded = () => Object.keys(require.cache).some((f) => f.includes('/node_modules/@slack/'));
const { startApp } = require('./src/index.ts');
const { loadConfig } = require('./src/config/load-config.ts');
startApp(loadConfig(process.env)).then(async (app) => {
  const ready = (await fetch(app.url + '/readyz')).status;
  const slack = (await fetch(app.url + '/slack/events', { method: 'POST', body: '{}' })).status;
  const loaded = slackLoaded();
  await app.close();
  process.stdout.write(JSON.stringify({ ready, slack, loaded }));
});
`;

describe('Slack is loaded only when configured', () => {
  it('a Teams-only start loads no @slack module and has no /slack/events route', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-e', CHILD],
      { cwd: ROOT, timeout: 60_000, env: botChildEnv({ CHATOPS_STORE: 'memory' }) },
    );
    const r = JSON.parse(stdout) as { ready: number; slack: number; loaded: boolean };
    expect(r.ready).toBe(200);
    expect(r.slack).not.toBe(200);
    expect(r.loaded).toBe(false);
  }, 60_000);
});
