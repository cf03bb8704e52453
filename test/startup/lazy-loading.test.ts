import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { botChildEnv } from '../support/bot-process';

const ROOT = join(__dirname, '..', '..');

/**
 * Start-up (issue #10): modules that /readyz need not wait for are not loaded by importing the
 * app, and are loaded right after it listens. A child process, because jest's module registry
 * is not Node's.
 */
const CHILD = `
const loaded = (m) => Object.keys(require.cache).some((f) => f.includes('/node_modules/' + m + '/'));
const heavy = () => ({
  templating: loaded('adaptivecards-templating'),
  ado: loaded('azure-devops-node-api'),
  emulator: Object.keys(require.cache).some((f) => f.includes('/src/emulator/')),
});
const { startApp } = require('./src/index.ts');
const { loadConfig } = require('./src/config/load-config.ts');
const atImport = heavy();
startApp(loadConfig(process.env)).then(async (app) => {
  const atReady = heavy();
  const ready = (await fetch(app.url + '/readyz')).status;
  // Warmed in the background: poll (bounded) instead of guessing how long ts-node takes.
  for (let i = 0; i < 200 && !(heavy().templating && heavy().ado); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const after = heavy();
  await app.close();
  process.stdout.write(JSON.stringify({ atImport, atReady, ready, after }));
});
`;

describe('start-up loads what readiness does not need after listening', () => {
  it('adaptivecards-templating, azure-devops-node-api and the emulator wait; then the first two are warmed', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-e', CHILD],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: botChildEnv({
          CHATOPS_STORE: 'memory',
          // A real organization's settings; nothing is called before a command needs it.
          ADO_ORG_URL: 'http://127.0.0.1:9/org',
          ADO_PROJECT: 'DigitRE',
          ADO_PAT: 'not-a-real-pat',
        }),
      },
    );
    const r = JSON.parse(stdout) as Record<string, Record<string, boolean> | number>;
    const none = { templating: false, ado: false, emulator: false };
    expect(r.atImport).toEqual(none);
    expect(r.atReady).toEqual(none);
    expect(r.ready).toBe(200);
    expect(r.after).toEqual({ templating: true, ado: true, emulator: false });
  }, 60_000);
});
