import type { BenchChild } from '../bench-child';
import { messageBody } from '../bench-activity';
import type { Harness } from '../harness';
import { ConversationPool, drive, type LoadResult, type LoadShape } from '../load';
import { quantile } from '../stats';

export type ThroughputTarget = 'echo' | 'help' | 'status';

/** One measurement: a target under one load shape. */
export interface ThroughputSample {
  target: ThroughputTarget;
  load: 'fixed' | 'saturation';
  rep: number;
  sent: number;
  ok: number;
  failed: number;
  missingReplies: number;
  commandsPerSec: number;
  httpP50: number;
  httpP99: number;
  replyP50: number;
  replyP99: number;
  /** The target process's CPU ms per answered command. */
  cpuMsPerCommand: number;
  /** The bot's store reads and writes per answered command (background work included). */
  storeReadsPerCommand?: number;
  storeWritesPerCommand?: number;
}

/** Store methods that only read; every other call writes. */
const READS = new Set(['get', 'list', 'queryAudit', 'queueLength']);

/** Reads and writes between two `storeCalls` snapshots. */
function storeDelta(
  before: Record<string, number> | undefined,
  after: Record<string, number> | undefined,
): { reads: number; writes: number } | undefined {
  if (!after) return undefined;
  let reads = 0;
  let writes = 0;
  for (const [name, n] of Object.entries(after)) {
    const d = n - (before?.[name] ?? 0);
    if (READS.has(name)) reads += d;
    else if (name !== 'close') writes += d;
  }
  return { reads, writes };
}

export interface ThroughputOptions {
  reps: number;
  seconds: number;
  rate: number;
  connections: number;
  /** Commands per target before measuring. */
  warmup: number;
  /** Each line of progress. */
  log(line: string): void;
  /** Runs once after the warm-up, before the first measurement (e.g. a memory baseline). */
  afterWarmup?(): Promise<void>;
}

/**
 * Scenario 1: `help` (no Azure DevOps call) and `status <run id>` (build + timeline) against
 * the echo floor, at a fixed rate and at saturation, interleaved rep by rep so that noise on the
 * shared machine hits all three alike.
 */
export async function measureThroughput(
  h: Harness,
  bot: BenchChild,
  echo: BenchChild,
  o: ThroughputOptions,
): Promise<{ samples: ThroughputSample[]; statusRunId: number }> {
  const run = h.emulator.engine
    .runs()
    .find((r) => r.status === 'completed' && r.result === 'succeeded' && r.pipelineKey === 'qa');
  if (!run) throw new Error('the seeded emulator has no succeeded QA run');
  const statusRunId = run.id;
  const texts: Record<ThroughputTarget, string> = {
    echo: 'help',
    help: 'help',
    status: `status ${statusRunId}`,
  };
  const childOf = (t: ThroughputTarget) => (t === 'echo' ? echo : bot);
  let tag = 0;
  const pools = {
    echo: new ConversationPool('a:bench-echo'),
    help: new ConversationPool('a:bench-help'),
    status: new ConversationPool('a:bench-status'),
  };
  const load = (t: ThroughputTarget, shape: LoadShape) =>
    drive(
      {
        url: childOf(t).url,
        connector: h.connector,
        conversations: pools[t],
        tag: `tp-${t}-${tag++}-${Date.now()}`,
        body: (id, conversationId) => messageBody(texts[t], id, h.connector.url, conversationId),
      },
      shape,
    );

  // Warm-up: JIT, connection pools, caches, the Azure DevOps handshake.
  for (const t of ['echo', 'help', 'status'] as const) {
    await load(t, { kind: 'count', connections: 4, total: o.warmup });
  }
  h.connector.reset();
  await o.afterWarmup?.();

  const samples: ThroughputSample[] = [];
  for (let rep = 1; rep <= o.reps; rep++) {
    for (const loadKind of ['fixed', 'saturation'] as const) {
      for (const target of ['echo', 'help', 'status'] as const) {
        const shape: LoadShape =
          loadKind === 'fixed'
            ? { kind: 'rate', perSecond: o.rate, seconds: o.seconds }
            : { kind: 'closed', connections: o.connections, seconds: o.seconds };
        const child = childOf(target);
        const before = await child.stats();
        const r = await load(target, shape);
        const after = await child.stats();
        h.connector.reset();
        const s = sample(target, loadKind, rep, r, (after.cpuMicros - before.cpuMicros) / 1000);
        const store = storeDelta(before.storeCalls, after.storeCalls);
        if (store && r.ok > 0) {
          s.storeReadsPerCommand = store.reads / r.ok;
          s.storeWritesPerCommand = store.writes / r.ok;
        }
        samples.push(s);
        o.log(
          `  rep ${rep} ${loadKind.padEnd(10)} ${target.padEnd(6)} ${s.commandsPerSec.toFixed(0).padStart(5)}/s ` +
            `http p50 ${s.httpP50.toFixed(1)} p99 ${s.httpP99.toFixed(1)} ms, reply p50 ${s.replyP50.toFixed(1)} ms, ` +
            `cpu ${s.cpuMsPerCommand.toFixed(2)} ms/cmd` +
            (s.storeWritesPerCommand !== undefined
              ? `, store ${s.storeReadsPerCommand!.toFixed(2)} reads ${s.storeWritesPerCommand.toFixed(2)} writes/cmd`
              : '') +
            (s.failed || s.missingReplies
              ? ` (failed ${s.failed}, missing replies ${s.missingReplies})`
              : ''),
        );
      }
    }
  }
  return { samples, statusRunId };
}

function sample(
  target: ThroughputTarget,
  load: 'fixed' | 'saturation',
  rep: number,
  r: LoadResult,
  cpuMs: number,
): ThroughputSample {
  return {
    target,
    load,
    rep,
    sent: r.sent,
    ok: r.ok,
    failed: r.failed,
    missingReplies: r.missingReplies,
    commandsPerSec: (r.ok * 1000) / r.elapsedMs,
    httpP50: quantile(r.httpMs, 0.5),
    httpP99: quantile(r.httpMs, 0.99),
    replyP50: quantile(r.replyMs, 0.5),
    replyP99: quantile(r.replyMs, 0.99),
    cpuMsPerCommand: r.ok > 0 ? cpuMs / r.ok : NaN,
  };
}
