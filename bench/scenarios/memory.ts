import type { BenchChild } from '../bench-child';
import { messageBody } from '../bench-activity';
import type { ChildStats } from '../child-ipc';
import type { Harness } from '../harness';
import { ConversationPool, drive } from '../load';
import type { MemoryResult } from '../report';
import { round } from '../stats';
import type { ThroughputSample } from './throughput';

const mb = (b: number) => round(b / 1048576, 1);

export interface MemoryOptions {
  /** The throughput run on the same bot: its commands count as the warm-up. */
  samples: ThroughputSample[];
  statusRunId: number;
  /** The bot's stats right after the throughput warm-up. */
  baseline: ChildStats;
  idleRss?: number | undefined;
  leakCommands: number;
  connections: number;
  log(line: string): void;
}

/**
 * Scenario 5b: the bot the throughput run warmed, over `leakCommands` more commands (help and
 * status <run>), RSS and heap after a full GC at each checkpoint.
 * @example const memory = await measureMemory(h, bot, { ...tp, baseline, leakCommands: 10_000, connections: 10, log });
 */
export async function measureMemory(
  h: Harness,
  bot: BenchChild,
  o: MemoryOptions,
): Promise<MemoryResult> {
  const served = o.samples.filter((s) => s.target !== 'echo').reduce((n, s) => n + s.ok, 0);
  const leakPool = new ConversationPool('a:bench-leak');
  const more = (total: number) =>
    drive(
      {
        url: bot.url,
        connector: h.connector,
        tag: `leak-${Date.now()}`,
        conversations: leakPool,
        body: (id, conversationId) =>
          messageBody(
            Number(id.split('-').pop()) % 2 ? 'help' : `status ${o.statusRunId}`,
            id,
            h.connector.url,
            conversationId,
          ),
      },
      { kind: 'count', connections: o.connections, total },
    ).finally(() => h.connector.reset());
  // The leak check proper: 10,000 more commands on the bot the throughput run has warmed
  // (V8's heap reservation and SQLite's page cache size up over the first few thousand), in
  // two halves, so a plateau (growth that stops) can be told from a leak (growth that goes
  // on). Growth since the early baseline (after the warm-up) is reported too.
  const steady = await bot.stats(true);
  const first = await more(Math.floor(o.leakCommands / 2));
  const mid = await bot.stats(true);
  const second = await more(o.leakCommands - Math.floor(o.leakCommands / 2));
  const after = await bot.stats(true);
  const failed = first.failed + second.failed;
  const memory: MemoryResult = {
    idleRss: o.idleRss ?? NaN,
    baselineRss: o.baseline.rss,
    baselineHeap: o.baseline.heapUsed,
    steadyRss: steady.rss,
    steadyHeap: steady.heapUsed,
    steadyCommands: served,
    midRss: mid.rss,
    midHeap: mid.heapUsed,
    midCommands: served + first.ok,
    afterRss: after.rss,
    afterHeap: after.heapUsed,
    commands: first.ok + second.ok,
    rssGrowthPct: ((after.rss - steady.rss) / steady.rss) * 100,
    heapGrowthPct: ((after.heapUsed - steady.heapUsed) / steady.heapUsed) * 100,
    secondHalfRssGrowthPct: ((after.rss - mid.rss) / mid.rss) * 100,
    sinceWarmupRssGrowthPct: ((after.rss - o.baseline.rss) / o.baseline.rss) * 100,
    checkpoints: { baseline: o.baseline, steady, mid, after },
  };
  o.log(
    `  ${memory.commands} commands after the first ${served}${failed ? ` (${failed} failed)` : ''}: ` +
      `RSS ${mb(steady.rss)} → ${mb(mid.rss)} (after ${memory.midCommands}) → ${mb(after.rss)} MB ` +
      `(${round(memory.rssGrowthPct, 1)}% in all, ${round(memory.secondHalfRssGrowthPct, 1)}% in the second half; ` +
      `${round(memory.sinceWarmupRssGrowthPct, 1)}% since the warm-up's ${mb(o.baseline.rss)} MB), ` +
      `heap ${mb(steady.heapUsed)} → ${mb(mid.heapUsed)} → ${mb(after.heapUsed)} MB (${round(memory.heapGrowthPct, 1)}%)`,
  );
  for (const [name, c] of Object.entries({ baseline: o.baseline, steady, mid, after })) {
    o.log(
      `  ${name.padEnd(8)} rss ${mb(c.rss)}, heap used ${mb(c.heapUsed)} of ${mb(c.heapTotal)}, external ${mb(c.external)} (array buffers ${mb(c.arrayBuffers)}) MB`,
    );
  }
  return memory;
}
