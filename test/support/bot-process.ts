import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** A bot started as its own OS process, the way `npm start` runs it. */
export interface BotProcess {
  /** http://127.0.0.1:PORT (append `/api/messages`, `/api/ado-events`, `/readyz`). */
  url: string;
  port: number;
  pid: number;
  /** Every line the process wrote to stdout and stderr, in order. */
  logs: string[];
  /** Whether the process has exited. */
  exited(): boolean;
  /** Sends `signal` (default SIGTERM), waits for the exit (SIGKILL after 10 s); resolves the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL: a crash with no shutdown code running. Resolves once the process is gone. */
  kill9(): Promise<void>;
}

export interface BotProcessOptions {
  /** Force ts-node even when a fresh `dist/` build exists (or force dist: 'dist'). */
  runner?: 'auto' | 'ts-node' | 'dist';
  startTimeoutMs?: number;
  /**
   * Another entry script (run with ts-node; path from the repository root) that starts the app
   * with test overrides and prints the same banner, e.g. `test/security/support/bot-child.ts`.
   */
  entry?: string;
}

/**
 * Spawns the real bot (`src/index.ts` through ts-node transpile-only, or `dist/src/index.js` when
 * a build newer than every source file exists) on 127.0.0.1 with `PORT=0`, parses the URL from
 * its banner and resolves once `/readyz` answers 200. Only the variables below and `env` reach
 * the child, so the developer's own `ADO_*` or `CHATOPS_*` settings cannot leak into a test.
 * @example
 *   const bot = await startBotProcess({ CHATOPS_STORE: `sqlite:${dir}/chatops.db` });
 *   await postActivity(bot.url, activity);
 *   await bot.stop();
 */
/**
 * A bot child's whole environment: loopback on port 0, the repo's catalog, ts-node settings, and
 * nothing of the developer's own `ADO_*` / `CHATOPS_*` settings; `env` adds to it.
 * @example spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', code], { env: botChildEnv({ CHATOPS_STORE: 'memory' }) })
 */
export function botChildEnv(env: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TMPDIR: process.env.TMPDIR ?? '/tmp',
    TS_NODE_TRANSPILE_ONLY: '1',
    TS_NODE_PROJECT: 'tsconfig.json',
    NODE_NO_WARNINGS: '1',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CHATOPS_CATALOG: join(ROOT, 'config/digitre.yaml'),
    ...env,
  };
}

export async function startBotProcess(
  env: Record<string, string>,
  options: BotProcessOptions = {},
): Promise<BotProcess> {
  const useDist =
    !options.entry &&
    (options.runner === 'dist' || ((options.runner ?? 'auto') === 'auto' && distIsFresh()));
  const args = useDist
    ? [join(ROOT, 'dist/src/index.js')]
    : ['-r', 'ts-node/register/transpile-only', options.entry ?? 'src/index.ts'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: botChildEnv({ CHATOPS_RATE_LIMIT_PER_MINUTE: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the bot process');
  const logs: string[] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      logs.push(...lines);
    });
    stream.on('end', () => {
      if (partial) logs.push(partial);
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  // null when a signal ended it.
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const bot: BotProcess = {
    url: '',
    port: 0,
    pid,
    logs,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async stop(signal = 'SIGTERM') {
      if (bot.exited()) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      if (bot.exited()) return;
      child.kill('SIGKILL');
      await exit;
    },
  };
  try {
    const url = await waitForBanner(child, logs, exit, options.startTimeoutMs ?? START_TIMEOUT_MS);
    bot.url = url;
    bot.port = Number(new URL(url).port);
    await waitForReady(url, child);
    return bot;
  } catch (err) {
    await bot.kill9();
    throw err;
  }
}

/** The banner line `DigitRE ChatOps is listening on http://127.0.0.1:PORT/api/messages`. */
function waitForBanner(
  child: ChildProcess,
  logs: string[],
  exit: Promise<number | null>,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const find = () => {
      for (const line of logs) {
        const m = /listening on (http:\/\/[^\s/]+)\/api\/messages/.exec(line);
        if (m) return m[1]!;
      }
      return undefined;
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`bot did not start within ${timeoutMs} ms:\n${logs.join('\n')}`));
    }, timeoutMs);
    const onData = () => {
      const url = find();
      if (url) {
        cleanup();
        resolve(url);
      }
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
    };
    // Listen after the collector, so the line is in `logs` when this runs.
    child.stdout?.on('data', onData);
    void exit.then((code) => {
      cleanup();
      reject(new Error(`bot exited with ${code} before listening:\n${logs.join('\n')}`));
    });
    onData();
  });
}

async function waitForReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const res = await fetch(`${url}/readyz`);
      await res.text();
      if (res.status === 200) return;
    } catch {
      /* not accepting yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}/readyz never answered 200`);
}

/** True when `dist/src/index.js` exists and every `src/**\/*.ts` has a newer compiled twin. */
function distIsFresh(): boolean {
  if (!existsSync(join(ROOT, 'dist/src/index.js'))) return false;
  const stack = [join(ROOT, 'src')];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const compiled = join(ROOT, 'dist', relative(ROOT, path).replace(/\.ts$/, '.js'));
        if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(path).mtimeMs)
          return false;
      }
    }
  }
  return true;
}
