/**
 * `npm run bench`: what a command costs next to the floor of the framework (issue #10).
 * Loopback only, bounded loops, under 5 minutes on 2 cores. Prints tables and verdicts and
 * writes bench/results/bench-<timestamp>.json.
 *
 *   npm run bench                 the full run
 *   npm run bench -- --quick      a short smoke run (numbers are not meaningful)
 *   npm run bench -- --profile    also writes a CPU profile of each bot child (bench/results/profiles)
 *   npm run bench -- --only startup,throughput,memory --reps 1
 *                                 only these scenarios (startup, throughput, memory, requests,
 *                                 polling, fan-out; memory runs throughput first), fewer reps
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT, startHarness } from './harness';
import {
  table,
  throughputMedians,
  verdicts,
  type MemoryResult,
  type ThroughputMedians,
} from './report';
import { measureFanOut, type FanOutResult } from './scenarios/fan-out';
import { measureMemory } from './scenarios/memory';
import { measurePolling, type PollingCost } from './scenarios/polling';
import { measureRequestsPerCommand, type CommandCost } from './scenarios/requests-per-command';
import { measureStartup } from './scenarios/startup';
import { measureThroughput } from './scenarios/throughput';
import { median, round } from './stats';

const quick = process.argv.includes('--quick');
const profile = process.argv.includes('--profile');
/** The value after `--name`, if given. */
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SCENARIOS = ['startup', 'throughput', 'memory', 'requests', 'polling', 'fan-out'] as const;
const only = arg('only')?.split(',');
const unknown = only?.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
if (unknown?.length) {
  process.stderr.write(
    `unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}\n`,
  );
  process.exit(2);
}
const want = (s: (typeof SCENARIOS)[number]) => !only || only.includes(s);
const O = {
  reps: Number(arg('reps') ?? (quick ? 1 : 3)),
  seconds: quick ? 2 : 4,
  rate: 50,
  connections: 10,
  warmup: quick ? 100 : 300,
  leakCommands: quick ? 2_000 : 10_000,
  startupReps: Number(arg('startup-reps') ?? (quick ? 1 : 3)),
  workers: 2,
  pollSizes: [1, 10, 100, 1000],
  fanOut: 100,
};

const RESULTS = join(ROOT, 'bench', 'results');
const log = (line: string) => process.stdout.write(`${line}\n`);
const mb = (b: number) => round(b / 1048576, 1);

function git(cmd: string): string {
  try {
    return execSync(`git ${cmd}`, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const began = performance.now();
  const profileDir = join(RESULTS, 'profiles');
  if (profile) mkdirSync(profileDir, { recursive: true });
  const botExecArgv = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const machine = {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryMb: mb(totalmem()),
    freeMemoryMb: mb(freemem()),
    node: process.version,
    loadavgAtStart: loadavg().map((l) => round(l, 2)),
  };
  log(`DigitRE ChatOps benchmark${quick ? ' (--quick: smoke only)' : ''}`);
  log(
    `machine: ${machine.nproc} × ${machine.cpu}, ${machine.memoryMb} MB, Node ${machine.node}, load ${machine.loadavgAtStart.join(' ')}`,
  );

  const h = await startHarness({ botExecArgv });
  const result: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    git: {
      commit: git('rev-parse HEAD'),
      dirty: git('status --porcelain -- src config cards').length > 0,
    },
    machine,
    options: { ...O, only },
  };
  let throughput: ThroughputMedians[] | undefined;
  let fanOut: FanOutResult | undefined;
  let memory: MemoryResult | undefined;
  let readyzMs: number | undefined;
  let idleRss: number | undefined;
  let requests: CommandCost[] | undefined;
  let polling: PollingCost[] | undefined;
  try {
    if (want('startup')) {
      // 5a. Start-up and idle memory, on a quiet machine (before the load phases).
      log('\n[5] start-up: fork → GET /readyz 200, and idle RSS');
      const botStart = await measureStartup(h, 'bot', O.startupReps);
      const echoStart = await measureStartup(h, 'echo', O.startupReps);
      readyzMs = median(botStart.map((s) => s.readyzMs));
      idleRss = median(botStart.map((s) => s.idleRss));
      log(
        table(
          ['process', 'ready ms (each)', 'median', 'idle RSS MB'],
          [
            ['bot', botStart.map((s) => round(s.readyzMs, 0)).join(', '), readyzMs, mb(idleRss)],
            [
              'echo floor',
              echoStart.map((s) => round(s.readyzMs, 0)).join(', '),
              median(echoStart.map((s) => s.readyzMs)),
              mb(median(echoStart.map((s) => s.idleRss))),
            ],
          ],
        ),
      );
      result.startup = {
        bot: botStart,
        echo: echoStart,
        botReadyzMedianMs: readyzMs,
        botIdleRssMedian: idleRss,
      };
    }
    if (want('throughput') || want('memory')) {
      // 1. Throughput and latency against the echo floor; 5b. the same bot's memory over 10,000 commands.
      log(
        `\n[1] throughput and latency: help, status <run> vs echo; ${O.rate}/s and ${O.connections} connections, ${O.seconds} s × ${O.reps}`,
      );
      const bot = await h.forkBot({ execArgv: ['--expose-gc', ...botExecArgv] });
      const echo = await h.forkEcho();
      let baseline = await bot.stats(true);
      const tp = await measureThroughput(h, bot, echo, {
        ...O,
        log,
        afterWarmup: async () => {
          baseline = await bot.stats(true);
        },
      });
      throughput = throughputMedians(tp.samples);
      log(
        table(
          [
            'target',
            'load',
            'cmds/s',
            'http p50',
            'http p99',
            'reply p50',
            'reply p99',
            'CPU ms/cmd',
            'CPU × echo',
            'slower × echo',
            'store r/w per cmd',
          ],
          throughput.map((m) => [
            m.target === 'status' ? `status ${tp.statusRunId}` : m.target,
            m.load,
            m.commandsPerSec,
            m.httpP50,
            m.httpP99,
            m.replyP50,
            m.replyP99,
            m.cpuMsPerCommand,
            m.target === 'echo' ? '1' : m.cpuRatio,
            m.target === 'echo' ? '1' : m.throughputRatio,
            m.storeWritesPerCommand === undefined
              ? '-'
              : `${round(m.storeReadsPerCommand ?? NaN, 2)} / ${round(m.storeWritesPerCommand, 2)}`,
          ]),
        ),
      );
      result.throughput = { statusRunId: tp.statusRunId, samples: tp.samples, medians: throughput };
      await echo.stop();

      if (want('memory')) {
        log(
          `\n[5] memory: the same bot over ${O.leakCommands} commands (help and status <run>), RSS after a full GC`,
        );
        memory = await measureMemory(h, bot, {
          ...tp,
          baseline,
          idleRss,
          leakCommands: O.leakCommands,
          connections: O.connections,
          log,
        });
        result.memory = memory;
      }

      await bot.stop();
    }

    if (want('requests')) {
      // 2. Azure DevOps requests per command, cold and warm.
      log(
        '\n[2] Azure DevOps requests per command (emulator request log; handshake counted apart)',
      );
      requests = await measureRequestsPerCommand(h, { workers: O.workers, log });
      log(
        table(
          ['command', 'cold', '+handshake', 'warm', 'target', 'warm requests'],
          requests.map((c) => [
            c.command,
            c.cold.requests,
            c.cold.handshake,
            c.warm.requests,
            `≤ ${c.warmTarget}`,
            c.warm.breakdown.join(', ') || '—',
          ]),
        ),
      );
      result.requests = requests;
    }

    if (want('polling')) {
      // 3. Tracking cost.
      log('\n[3] polling: Azure DevOps requests per interval (src/notifications/run-poller.ts)');
      polling = await measurePolling(h.catalog, O.pollSizes, log);
      result.polling = polling;
    }

    if (want('fan-out')) {
      // 4. Fan-out.
      log(
        `\n[4] fan-out: one event to ${O.fanOut} subscribed conversations, a third answered 429 + Retry-After once`,
      );
      fanOut = await measureFanOut(h.catalog, {
        conversations: O.fanOut,
        retryAfterSeconds: 1,
        deadlineMs: 30_000,
      });
      log(
        `  ${fanOut.delivered}/${fanOut.conversations} delivered, ${fanOut.duplicates} duplicates, ${fanOut.lost} lost, ` +
          `all in ${round(fanOut.allDeliveredMs, 0)} ms, ${fanOut.attempts} sends (${fanOut.throttled} throttled)`,
      );
      result.fanOut = fanOut;
    }

    const v = verdicts({ throughput, requests, polling, fanOut, readyzMs, idleRss, memory });
    result.verdicts = v;
    log('\nTargets');
    log(
      table(
        ['', 'target', 'measured'],
        v.map((x) => [x.pass ? 'PASS' : 'FAIL', x.target, x.measured]),
      ),
    );
  } finally {
    await h.close();
    result.durationMs = round(performance.now() - began, 0);
    (result.machine as { loadavgAtEnd?: number[] }).loadavgAtEnd = loadavg().map((l) =>
      round(l, 2),
    );
    mkdirSync(RESULTS, { recursive: true });
    const file = join(RESULTS, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(
      `\nwrote ${file} (${round((result.durationMs as number) / 1000, 0)} s; these are not unit tests)`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
