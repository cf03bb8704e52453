import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { botChildEnv, startBotProcess } from '../support/bot-process';

const ROOT = join(__dirname, '..', '..');
/** The bar: nothing deprecated in the first 10 s of a start. */
const WATCH_MS = 10_000;

/** What a person sees when starting the bot (`src/index.ts`'s main), as a child process. */
describe('start-up output', () => {
  let taken: Server;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  });

  it('a taken port exits 1 with one line naming the port and PORT, no stack trace', async () => {
    const { port } = taken.address() as AddressInfo;
    const run = promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/index.ts'],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: botChildEnv({ PORT: String(port), CHATOPS_STORE: 'memory', NODE_NO_WARNINGS: '0' }),
      },
    );
    const failed = (await run.then(
      () => {
        throw new Error('the bot started on a taken port');
      },
      (err: unknown) => err,
    )) as { code: number; stdout: string; stderr: string };
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toBe(
      `digitre-chatops: port ${port} on 127.0.0.1 is already in use (another bot or program listens there): stop it, or set PORT to a free port (PORT=0 picks any).\n`,
    );
  });

  it(`prints no deprecation (or other) warning in its first ${WATCH_MS / 1000} s`, async () => {
    const started = Date.now();
    // Warnings on: the test children's environment turns them off by default.
    const bot = await startBotProcess({ CHATOPS_STORE: 'memory', NODE_NO_WARNINGS: '0' });
    try {
      await new Promise((resolve) => setTimeout(resolve, WATCH_MS - (Date.now() - started)));
      expect(bot.exited()).toBe(false);
      // The Playground hint names this bot's endpoint, not the default port's.
      expect(bot.logs).toContain(
        `Try it in a browser: npm run playground -- --bot-endpoint ${bot.url}/api/messages`,
      );
      expect(bot.logs.filter((line) => /Warning|DEP\d{4}/.test(line))).toEqual([]);
    } finally {
      await bot.stop();
    }
  });
});
