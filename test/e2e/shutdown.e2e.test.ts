import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { messageActivity, postActivity } from '../support/activities';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';

const root = join(__dirname, '../..');

/** Starts `src/index.ts` as `npm start` would (through ts-node), resolves with its URL. */
function startBot(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/index.ts'], {
    cwd: root,
    env: {
      ...process.env,
      TS_NODE_PROJECT: 'tsconfig.json',
      PORT: '0',
      HOST: '127.0.0.1',
      CHATOPS_STORE: 'memory',
      LOG_LEVEL: 'warn',
      CHATOPS_EMULATOR_TASK_MS: '20',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start:\n${out}`)), 30_000);
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/[^\s]+)\/api\/messages/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code}:\n${out}`));
    });
  });
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('npm start: banner, bad configuration, graceful shutdown', () => {
  let connector: FakeConnector;
  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.close();
  });

  it('prints what it started, finishes the turn in flight on SIGTERM, then exits 0', async () => {
    const bot = await startBot({});
    try {
      expect(bot.output()).toMatch(
        /Local mode: .*emulator runs in-process at http:\/\/127\.0\.0\.1:\d+\/digitre/,
      );
      // The modules /readyz does not wait for load right after listening (under ts-node, for a
      // second or two); the turn below must be in flight, not queued behind them, at SIGTERM.
      expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
      connector.delayMs = 1500; // the reply is still being delivered when the signal arrives
      const posted = postActivity(
        bot.url,
        messageActivity('help', { serviceUrl: connector.url, conversationId: 'a:shutdown' }),
      );
      // SIGTERM once the bot's reply is at the connector (in flight), not after a guessed delay:
      // on a busy machine the post may not even have reached the bot 400 ms later.
      const before = connector.arrived;
      for (let i = 0; i < 200 && connector.arrived === before; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(connector.arrived).toBeGreaterThan(before);
      const exit = exitOf(bot.child);
      bot.child.kill('SIGTERM');
      expect((await posted).status).toBe(200);
      expect(await exit).toBe(0);
      expect(connector.calls.filter((c) => c.conversationId === 'a:shutdown')).toHaveLength(1);
    } finally {
      connector.delayMs = 0;
      bot.child.kill('SIGKILL');
    }
  });

  it('exits 1 with a message naming the variable when the configuration is invalid', async () => {
    await expect(startBot({ PORT: 'eighty' })).rejects.toThrow(
      /exited with 1[\s\S]*PORT: must be a port number/,
    );
  });
});
