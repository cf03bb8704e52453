import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ChildMessage, ChildStats, ParentMessage } from './child-ipc';

/** A bench child process (the bot or the echo floor) the benchmark can measure and stop. */
export interface BenchChild {
  url: string;
  pid: number;
  /** ms from fork to the child's `ready` message. */
  readyMs: number;
  /** The child's own CPU time and memory; `gc` collects first (needs --expose-gc). */
  stats(gc?: boolean): Promise<ChildStats>;
  /** Graceful stop; kills after 5 s. */
  stop(): Promise<void>;
  /** What the child wrote on stderr (for failures). */
  stderr(): string;
}

export interface ForkOptions {
  /** Compiled entry next to this file: `bot-process.js` or `echo-bot.js`. */
  entry: 'bot-process.js' | 'echo-bot.js';
  /** The child's whole environment (nothing is inherited but PATH and HOME). */
  env: Record<string, string>;
  execArgv?: string[];
  /** Give up waiting for `ready` after this long. */
  timeoutMs?: number;
}

/**
 * Forks a bench child with an IPC channel and resolves once it listens.
 * @example const bot = await forkChild({ entry: 'bot-process.js', env }); const s = await bot.stats();
 */
export async function forkChild(opts: ForkOptions): Promise<BenchChild> {
  const started = performance.now();
  const child: ChildProcess = fork(join(__dirname, opts.entry), [], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env },
    execArgv: opts.execArgv ?? [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    if (err.length < 20_000) err += c.toString('utf8');
  });
  const waiters: ((m: ChildMessage) => void)[] = [];
  child.on('message', (m: ChildMessage) => waiters.shift()?.(m));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const next = (timeoutMs: number) =>
    new Promise<ChildMessage>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`bench child ${opts.entry} did not answer`)),
        timeoutMs,
      );
      waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`bench child ${opts.entry} exited:\n${err.slice(-3000)}`));
      });
    });

  const first = await next(opts.timeoutMs ?? 30_000);
  if (first.type !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(
      `bench child ${opts.entry} failed to start: ${first.type === 'failed' ? first.message : first.type}`,
    );
  }
  const readyMs = performance.now() - started;
  const send = (m: ParentMessage) => child.send(m);
  let stopping: Promise<void> | undefined;
  return {
    url: first.url,
    pid: child.pid!,
    readyMs,
    async stats(gc = false) {
      const answer = next(10_000);
      send({ type: 'stats', gc });
      const m = await answer;
      if (m.type !== 'stats') throw new Error(`unexpected message ${m.type}`);
      const { type: _type, ...stats } = m;
      return stats;
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        send({ type: 'stop' });
        await exited;
        clearTimeout(kill);
      })();
      return stopping;
    },
    stderr: () => err,
  };
}
