/**
 * `npm run bench:events`: how fast one replica takes and works off a burst of service-hook
 * events (issue #17, running for months). The real bot in a child process (SQLite store, the
 * harness's emulator) gets `--events` run-state events over `--runs` runs in progress, posted to
 * `/api/ado-events` over `--connections` keep-alive connections. Reported, median of `--reps`
 * (a fresh bot and store each):
 *   accepted/s   events ÷ time from the first post to the last 200 (each stored before its 200)
 *   processed/s  events ÷ time from the first post until the queue is empty (read from the
 *                SQLite file, polled every 50 ms)
 *   live ms      once the burst is accepted (the backlog still queued): one event for a run
 *                outside the burst, until the bot reads that run from Azure DevOps
 *   left         events still queued when the last one was accepted
 *   reads        the emulator's run reads (`GET build/builds/{id}`), burst and drain
 *
 *   npm run bench:events                               30,000 events, 100 runs, 3 reps
 *   npm run bench:events -- --events 5000 --reps 1     a smoke run
 */
import Database from 'better-sqlite3';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkChild } from './bench-child';
import { startHarness } from './harness';
import { median, round } from './stats';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const EVENTS = arg('events', 30_000);
const RUNS = arg('runs', 100);
const REPS = arg('reps', 3);
const CONNECTIONS = arg('connections', 20);

interface RunRef {
  id: number;
  name: string;
  pipelineId: number;
  pipelineName: string;
}

function envelope(id: string, run: RunRef): string {
  return JSON.stringify({
    id,
    eventType: 'ms.vss-pipelines.run-state-changed-event',
    publisherId: 'pipelines',
    resource: {
      run: {
        id: run.id,
        name: run.name,
        state: 'inProgress',
        pipeline: { id: run.pipelineId, name: run.pipelineName },
      },
      pipeline: { id: run.pipelineId, name: run.pipelineName },
    },
    resourceVersion: '5.1-preview.1',
    createdDate: new Date().toISOString(),
  });
}

function post(url: string, body: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/ado-events`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Rep {
  acceptedPerSec: number;
  processedPerSec: number;
  liveMs: number;
  left: number;
  reads: number;
}

async function rep(h: Awaited<ReturnType<typeof startHarness>>, n: number): Promise<Rep> {
  const scratch = mkdtempSync(join(tmpdir(), 'chatops-events-'));
  const dbPath = join(scratch, 'bot.db');
  const bot = await forkChild({
    entry: 'bot-process.js',
    env: { ...h.botEnv(0), CHATOPS_STORE: `sqlite:${dbPath}`, LOG_LEVEL: 'warn' },
  });
  const pipelineName = h.catalog.pipelines.find((p) => p.key === 'dev-cleanup')!.name;
  const queueRun = (): RunRef => {
    const r = h.emulator.queueRun('dev-cleanup');
    return { id: r.id, name: r.buildNumber, pipelineId: r.definitionId, pipelineName };
  };
  const runs: RunRef[] = Array.from({ length: RUNS }, queueRun);
  const live = queueRun();
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const queued = db.prepare("SELECT count(*) AS n FROM queue_items WHERE queue = 'ado-events'");
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  // The request log keeps 10,000 entries: count and clear it every 20 ms.
  const log = h.emulator.requestLog;
  const liveRead = new RegExp(`/builds/${live.id}(\\?|$)`);
  let reads = 0;
  let liveAt = NaN;
  const sample = () => {
    reads += log.count({ method: 'GET', path: /\/builds\/\d+(\?|$)/ });
    if (Number.isNaN(liveAt) && log.count({ method: 'GET', path: liveRead }) > 0)
      liveAt = performance.now();
    log.clear();
  };
  const sampler = setInterval(sample, 20);
  try {
    log.clear();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        for (let i = next++; i < EVENTS; i = next++) {
          const status = await post(bot.url, envelope(`burst-${n}-${i}`, runs[i % RUNS]!), agent);
          if (status !== 200) throw new Error(`event ${i}: HTTP ${status}`);
        }
      }),
    );
    const accepted = performance.now() - t0;
    const left = (queued.get() as { n: number }).n;

    // A run moving now, posted behind the backlog.
    const tLive = performance.now();
    await post(bot.url, envelope(`live-${n}`, live), agent);
    let processed = NaN;
    const deadline = performance.now() + 30 * 60_000;
    while (performance.now() < deadline) {
      if (Number.isNaN(processed) && (queued.get() as { n: number }).n === 0)
        processed = performance.now() - t0;
      if (!Number.isNaN(processed) && !Number.isNaN(liveAt)) break;
      await sleep(20);
    }
    await sleep(200); // the last reads
    sample();
    return {
      acceptedPerSec: EVENTS / (accepted / 1000),
      processedPerSec: (EVENTS + 1) / (processed / 1000),
      liveMs: liveAt - tLive,
      left,
      reads,
    };
  } finally {
    clearInterval(sampler);
    agent.destroy();
    db.close();
    await bot.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // Runs stay in progress for the whole bench (tasks take 10 min).
  const h = await startHarness({ botExecArgv: [], taskMs: 600_000 });
  const reps: Rep[] = [];
  try {
    for (let n = 0; n < REPS; n++) {
      const r = await rep(h, n);
      reps.push(r);
      console.log(
        `rep ${n + 1}: accepted ${round(r.acceptedPerSec, 0)}/s, processed ${round(r.processedPerSec, 0)}/s, ` +
          `${r.left} left at the last 200, live event read after ${round(r.liveMs, 0)} ms, ${r.reads} run reads`,
      );
    }
  } finally {
    await h.close();
  }
  const acc = median(reps.map((r) => r.acceptedPerSec));
  const proc = median(reps.map((r) => r.processedPerSec));
  console.log(
    `\n${EVENTS} events over ${RUNS} runs, ${CONNECTIONS} connections, median of ${REPS}:\n` +
      `  accepted  ${round(acc, 0)} events/s\n` +
      `  processed ${round(proc, 0)} events/s (accepted ÷ processed ${round(acc / proc, 2)})\n` +
      `  live event read after ${round(median(reps.map((r) => r.liveMs)), 0)} ms\n` +
      `  left queued at the last 200 ${median(reps.map((r) => r.left))}\n` +
      `  run reads ${median(reps.map((r) => r.reads))}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
