/**
 * Medians across several `npm run bench` results, as Markdown (for docs/PERFORMANCE.md).
 *
 *   node dist/bench/summarize.js bench/results/bench-*.json
 */
import { readFileSync } from 'node:fs';
import type { CommandCost } from './scenarios/requests-per-command';
import type { FanOutResult } from './scenarios/fan-out';
import type { PollingCost } from './scenarios/polling';
import type { MemoryResult, ThroughputMedians, Verdict } from './report';
import { median, round } from './stats';

interface BenchResult {
  throughput: { medians: ThroughputMedians[] };
  memory: MemoryResult;
  startup: {
    botReadyzMedianMs: number;
    botIdleRssMedian: number;
    echo: { readyzMs: number; idleRss: number }[];
  };
  requests: CommandCost[];
  polling: PollingCost[];
  fanOut: FanOutResult;
  verdicts: Verdict[];
  durationMs: number;
  machine: { loadavgAtStart: number[]; loadavgAtEnd?: number[] };
}

/**
 * @example summarize([result1, result2, result3]) // Markdown tables of medians
 */
export function summarize(runs: BenchResult[]): string {
  const med = (f: (r: BenchResult) => number) => median(runs.map(f));
  const out: string[] = [];
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  const n = (v: number, d = 1) => (Number.isFinite(v) ? String(round(v, d)) : '—');

  out.push(`Medians of ${runs.length} runs (each itself the median of its reps).`, '');
  out.push(
    row([
      'target',
      'load',
      'cmds/s',
      'HTTP p50 ms',
      'HTTP p99 ms',
      'reply p50 ms',
      'reply p99 ms',
      'CPU ms/cmd',
      'CPU × echo',
      'cmds/s echo ÷ this',
    ]),
    row(Array(10).fill('---')),
  );
  for (const load of ['fixed', 'saturation'] as const) {
    for (const target of ['echo', 'help', 'status'] as const) {
      const m = (k: keyof ThroughputMedians) =>
        med(
          (r) =>
            r.throughput.medians.find((x) => x.target === target && x.load === load)![k] as number,
        );
      out.push(
        row([
          target === 'status' ? 'status <run>' : target === 'echo' ? 'echo floor' : target,
          load === 'fixed' ? '50/s' : '10 conns',
          n(m('commandsPerSec'), 0),
          n(m('httpP50')),
          n(m('httpP99')),
          n(m('replyP50')),
          n(m('replyP99')),
          n(m('cpuMsPerCommand'), 2),
          target === 'echo' ? '1' : n(m('cpuRatio'), 2),
          target === 'echo' ? '1' : n(m('throughputRatio'), 2),
        ]),
      );
    }
  }
  out.push('');
  out.push(row(['', 'bot', 'echo floor']), row(['---', '---', '---']));
  out.push(
    row([
      'fork → /readyz 200 (ms)',
      n(
        med((r) => r.startup.botReadyzMedianMs),
        0,
      ),
      n(
        med((r) => median(r.startup.echo.map((e) => e.readyzMs))),
        0,
      ),
    ]),
    row([
      'idle RSS (MB)',
      n(med((r) => r.startup.botIdleRssMedian / 1048576)),
      n(med((r) => median(r.startup.echo.map((e) => e.idleRss)) / 1048576)),
    ]),
    row(['RSS after warm-up, after GC (MB)', n(med((r) => r.memory.baselineRss / 1048576)), '']),
    row([
      'RSS when the leak check starts (after the throughput run), after GC (MB)',
      n(med((r) => (r.memory.steadyRss ?? r.memory.baselineRss) / 1048576)),
      '',
    ]),
    row(['RSS halfway, after GC (MB)', n(med((r) => r.memory.midRss / 1048576)), '']),
    row([
      'RSS after 10,000 more commands, after GC (MB)',
      n(med((r) => r.memory.afterRss / 1048576)),
      '',
    ]),
    row(['RSS growth over those 10,000 (%)', n(med((r) => r.memory.rssGrowthPct)), '']),
    row([
      'RSS growth since the warm-up (%)',
      n(med((r) => r.memory.sinceWarmupRssGrowthPct ?? r.memory.rssGrowthPct)),
      '',
    ]),
    row([
      'heap used at the start → the end of the 10,000 (MB)',
      `${n(med((r) => (r.memory.steadyHeap ?? r.memory.baselineHeap) / 1048576))} → ${n(med((r) => r.memory.afterHeap / 1048576))}`,
      '',
    ]),
    row(['heap growth (%)', n(med((r) => r.memory.heapGrowthPct)), '']),
  );
  out.push('');
  out.push(
    row(['command', 'cold', '+ handshake', 'warm', 'target', 'warm requests']),
    row(Array(6).fill('---')),
  );
  for (const c of runs[0]!.requests) {
    const all = runs.map((r) => r.requests.find((x) => x.command === c.command)!);
    out.push(
      row([
        `\`${c.command}\``,
        n(median(all.map((x) => x.cold.requests)), 0),
        n(median(all.map((x) => x.cold.handshake)), 0),
        n(median(all.map((x) => x.warm.requests)), 0),
        `≤ ${c.warmTarget}`,
        c.warm.breakdown.map((b) => `\`${b}\``).join(', ') || '—',
      ]),
    );
  }
  out.push('');
  out.push(
    row(['tracked runs', 'requests / interval', 'allowed', 'breakdown']),
    row(Array(4).fill('---')),
  );
  for (const p of runs[0]!.polling) {
    out.push(
      row([
        p.tracked,
        n(median(runs.map((r) => r.polling.find((x) => x.tracked === p.tracked)!.requests)), 0),
        p.allowed,
        p.breakdown.map((b) => `\`${b}\``).join(', '),
      ]),
    );
  }
  out.push('');
  const f = (k: keyof FanOutResult) => med((r) => r.fanOut[k]);
  out.push(
    `Fan-out: ${n(f('delivered'), 0)}/${n(f('conversations'), 0)} delivered, ${n(f('duplicates'), 0)} duplicates, ` +
      `${n(f('lost'), 0)} lost; all delivered in ${n(f('allDeliveredMs'), 0)} ms (median) with ${n(f('throttled'), 0)} ` +
      `conversations answered 429 + Retry-After ${n(f('retryAfterSeconds'), 0)} s; ${n(f('attempts'), 0)} sends.`,
  );
  out.push('');
  out.push(row(['verdict in each run', 'target']), row(['---', '---']));
  for (const v of runs[0]!.verdicts) {
    const all = runs.map((r) => r.verdicts.find((x) => x.target === v.target)?.pass);
    out.push(
      row([all.map((p) => (p === undefined ? '?' : p ? 'PASS' : 'FAIL')).join(' '), v.target]),
    );
  }
  out.push('');
  out.push(
    `Each run took ${runs.map((r) => round(r.durationMs / 1000, 0)).join(', ')} s plus the build; load average at start ` +
      runs.map((r) => r.machine.loadavgAtStart[0]).join(', ') +
      '.',
  );
  return out.join('\n');
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: node dist/bench/summarize.js bench/results/bench-*.json\n');
    process.exit(2);
  }
  process.stdout.write(
    `${summarize(files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as BenchResult))}\n`,
  );
}
