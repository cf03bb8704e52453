import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../src/catalog/load-catalog';
import type { Catalog } from '../src/catalog/catalog-schema';
import { startEmulator, type Emulator } from '../src/emulator/start-emulator';
import { startBenchConnector, type BenchConnector } from './bench-connector';
import { forkChild, type BenchChild } from './bench-child';

/** The repository root (bench/*.js is compiled to dist/bench/). */
export const ROOT = join(__dirname, '..', '..');
export const CATALOG_PATH = join(ROOT, 'config', 'digitre.yaml');

/** What every scenario shares: an emulated organization, a fake channel and a scratch dir. */
export interface Harness {
  catalog: Catalog;
  emulator: Emulator;
  connector: BenchConnector;
  /** Options for extra bot children (e.g. `--cpu-prof`). */
  botExecArgv: string[];
  /** Starts the real bot in a child process against the harness emulator (fresh SQLite store). */
  forkBot(opts?: { port?: number; execArgv?: string[]; emulator?: Emulator }): Promise<BenchChild>;
  /** Starts the echo floor in a child process. */
  forkEcho(opts?: { port?: number }): Promise<BenchChild>;
  /** Environment for a bot child on `port` (0 = any). */
  botEnv(port: number, emulator?: Emulator): Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the emulator (serviceIdentityIsApprover, as the bot's PAT decides approvals) and the
 * connector in this process.
 * @example const h = await startHarness({ botExecArgv: [] }); const bot = await h.forkBot(); …; await h.close();
 */
export async function startHarness(opts: {
  botExecArgv: string[];
  taskMs?: number;
}): Promise<Harness> {
  const catalog = loadCatalog(CATALOG_PATH);
  const emulator = await startEmulator({
    catalog,
    taskMs: opts.taskMs ?? 50,
    seed: true,
    serviceIdentityIsApprover: true,
  });
  const connector = await startBenchConnector();
  const scratch = mkdtempSync(join(tmpdir(), 'chatops-bench-'));
  const children = new Set<BenchChild>();
  let stores = 0;

  const botEnv = (port: number, emu: Emulator = emulator): Record<string, string> => ({
    ADO_ORG_URL: emu.orgUrl,
    ADO_PROJECT: emu.project,
    ADO_PAT: emu.pat,
    CHATOPS_CATALOG: CATALOG_PATH,
    // The production default store (SQLite), a fresh file per bot.
    CHATOPS_STORE: `sqlite:${join(scratch, `bot-${++stores}.db`)}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    // Many people share one bot; one benchmark user must not hit the per-person limit.
    CHATOPS_RATE_LIMIT_PER_MINUTE: '0',
  });
  const track = (c: BenchChild) => {
    children.add(c);
    const stop = c.stop;
    c.stop = () => {
      children.delete(c);
      return stop();
    };
    return c;
  };

  return {
    catalog,
    emulator,
    connector,
    botExecArgv: opts.botExecArgv,
    botEnv,
    async forkBot(o = {}) {
      return track(
        await forkChild({
          entry: 'bot-process.js',
          env: botEnv(o.port ?? 0, o.emulator),
          execArgv: o.execArgv ?? opts.botExecArgv,
        }),
      );
    },
    async forkEcho(o = {}) {
      return track(await forkChild({ entry: 'echo-bot.js', env: { PORT: String(o.port ?? 0) } }));
    },
    async close() {
      await Promise.all([...children].map((c) => c.stop()));
      await emulator.close();
      await connector.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** A free loopback TCP port (for measuring start-up against a known address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Sends one message and resolves once the turn finished (HTTP answer). */
export async function sendOne(url: string, body: string): Promise<number> {
  const res = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await res.text();
  return res.status;
}
