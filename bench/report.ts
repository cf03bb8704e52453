import type { ChildStats } from './child-ipc';
import type { CommandCost } from './scenarios/requests-per-command';
import type { FanOutResult } from './scenarios/fan-out';
import type { PollingCost } from './scenarios/polling';
import type { ThroughputSample, ThroughputTarget } from './scenarios/throughput';
import { median, round } from './stats';

/** One target of issue #10 and its verdict. */
export interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
}

export interface ThroughputMedians {
  target: ThroughputTarget;
  load: 'fixed' | 'saturation';
  commandsPerSec: number;
  httpP50: number;
  httpP99: number;
  replyP50: number;
  replyP99: number;
  cpuMsPerCommand: number;
  /** cpuMsPerCommand / the echo floor's under the same load. */
  cpuRatio: number;
  /** The floor's throughput / this one's (how many times slower). */
  throughputRatio: number;
  replyP50Ratio: number;
  /** The bot's store calls per command (undefined for the echo floor). */
  storeReadsPerCommand?: number;
  storeWritesPerCommand?: number;
}

export interface MemoryResult {
  idleRss: number;
  /** After the warm-up, after a full GC. */
  baselineRss: number;
  baselineHeap: number;
  /** After the throughput run (the bot warmed by `steadyCommands`): where the leak check starts. */
  steadyRss: number;
  steadyHeap: number;
  steadyCommands: number;
  /** Halfway through the leak check, after a full GC (a leak keeps growing; a warm-up plateaus). */
  midRss: number;
  midHeap: number;
  midCommands: number;
  secondHalfRssGrowthPct: number;
  /** After `commands` more than `steadyCommands`, after a full GC. */
  afterRss: number;
  afterHeap: number;
  commands: number;
  /** Over the `commands` of the leak check (steady → after). */
  rssGrowthPct: number;
  heapGrowthPct: number;
  /** From the early baseline (after the warm-up) to the end: includes the bot sizing up. */
  sinceWarmupRssGrowthPct: number;
  /** Everything `process.memoryUsage()` said at each checkpoint (after a full GC). */
  checkpoints?: Record<'baseline' | 'steady' | 'mid' | 'after', ChildStats>;
}

/** Medians over the reps, per target and load, with ratios to the echo floor. */
export function throughputMedians(samples: ThroughputSample[]): ThroughputMedians[] {
  const out: ThroughputMedians[] = [];
  for (const load of ['fixed', 'saturation'] as const) {
    const of = (t: ThroughputTarget) => samples.filter((s) => s.target === t && s.load === load);
    const med = (t: ThroughputTarget, k: keyof ThroughputSample) =>
      median(of(t).map((s) => s[k] as number));
    for (const target of ['echo', 'help', 'status'] as const) {
      if (of(target).length === 0) continue;
      // Ratios per rep (same moment, same noise), then their median.
      const ratio = (k: keyof ThroughputSample, invert = false) =>
        median(
          of(target).map((s) => {
            const floor = of('echo').find((e) => e.rep === s.rep);
            if (!floor) return NaN;
            const a = s[k] as number;
            const b = floor[k] as number;
            return invert ? b / a : a / b;
          }),
        );
      out.push({
        target,
        load,
        commandsPerSec: med(target, 'commandsPerSec'),
        httpP50: med(target, 'httpP50'),
        httpP99: med(target, 'httpP99'),
        replyP50: med(target, 'replyP50'),
        replyP99: med(target, 'replyP99'),
        cpuMsPerCommand: med(target, 'cpuMsPerCommand'),
        cpuRatio: ratio('cpuMsPerCommand'),
        throughputRatio: ratio('commandsPerSec', true),
        replyP50Ratio: ratio('replyP50'),
        ...(of(target).some((s) => s.storeWritesPerCommand !== undefined) && {
          storeReadsPerCommand: med(target, 'storeReadsPerCommand'),
          storeWritesPerCommand: med(target, 'storeWritesPerCommand'),
        }),
      });
    }
  }
  return out;
}

const mb = (bytes: number) => `${round(bytes / 1048576, 1)} MB`;

/** The verdicts for every target the run measured. */
export function verdicts(r: {
  throughput?: ThroughputMedians[];
  requests?: CommandCost[];
  polling?: PollingCost[];
  fanOut?: FanOutResult;
  readyzMs?: number;
  idleRss?: number;
  memory?: MemoryResult;
}): Verdict[] {
  const v: Verdict[] = [];
  const cpu = (t: ThroughputTarget) =>
    r.throughput?.find((m) => m.target === t && m.load === 'fixed');
  for (const [t, limit] of [
    ['help', 1.3],
    ['status', 2.5],
  ] as const) {
    const m = cpu(t);
    if (!m) continue;
    const sat = r.throughput?.find((x) => x.target === t && x.load === 'saturation');
    v.push({
      target: `bot CPU per \`${t === 'status' ? 'status <run>' : t}\` ≤ ${limit}× echo`,
      measured: `${round(m.cpuRatio, 2)}× at a fixed rate (${round(m.cpuMsPerCommand, 2)} vs ${round(
        m.cpuMsPerCommand / m.cpuRatio,
        2,
      )} ms)${sat ? `, ${round(sat.cpuRatio, 2)}× at saturation` : ''}`,
      pass: m.cpuRatio <= limit,
    });
  }
  const help = cpu('help');
  if (help?.storeWritesPerCommand !== undefined) {
    // Issue 18, item 7: the pipeline's own cost; background work (outbox, pollers) is included.
    v.push({
      target:
        'store writes per `help` ≤ 1 (done mark + audit; a one-process store claims in memory), reads ≤ 2 (done mark, person)',
      measured: `${round(help.storeWritesPerCommand, 2)} writes, ${round(help.storeReadsPerCommand ?? NaN, 2)} reads at a fixed rate`,
      pass: help.storeWritesPerCommand <= 1.05 && (help.storeReadsPerCommand ?? 0) <= 2.05,
    });
  }
  if (r.requests) {
    const named = ['deploy <env>', 'approve <run>', 'approve <env>', 'status (dashboard)'];
    for (const c of r.requests.filter((x) => named.includes(x.command))) {
      v.push({
        target: `warm Azure DevOps requests: \`${c.command}\` ≤ ${c.warmTarget}`,
        measured: `${c.warm.requests} (${c.warm.breakdown.join(', ') || 'none'})`,
        pass: c.warm.requests <= c.warmTarget,
      });
    }
    const others = r.requests.filter((c) => !named.includes(c.command));
    const over = others.filter((c) => c.warm.requests > c.warmTarget);
    v.push({
      target: 'warm Azure DevOps requests: every other command ≤ 2',
      measured: over.length
        ? `over: ${over.map((c) => `${c.command} ${c.warm.requests}`).join(', ')}`
        : `all ≤ 2 (${others.length} commands)`,
      pass: over.length === 0,
    });
  }
  if (r.polling) {
    for (const p of r.polling) {
      v.push({
        target: `polling ${p.tracked} tracked runs ≤ ${p.allowed} request(s) per interval`,
        measured: `${p.requests} (${p.breakdown.join(', ') || 'none'})`,
        pass: p.requests <= p.allowed,
      });
    }
  }
  if (r.fanOut) {
    const f = r.fanOut;
    v.push({
      target: `fan-out to ${f.conversations} conversations: 100% delivered, 0 duplicates`,
      measured: `${f.delivered}/${f.conversations} delivered, ${f.duplicates} duplicates, ${f.lost} lost, all in ${round(
        f.allDeliveredMs,
        0,
      )} ms (${f.throttled} throttled with Retry-After ${f.retryAfterSeconds} s)`,
      pass: f.delivered === f.conversations && f.duplicates === 0,
    });
  }
  if (r.readyzMs !== undefined)
    v.push({
      target: 'ready (/readyz 200) ≤ 1.5 s',
      measured: `${round(r.readyzMs, 0)} ms`,
      pass: r.readyzMs <= 1500,
    });
  if (r.idleRss !== undefined)
    v.push({
      target: 'idle RSS ≤ 150 MB',
      measured: mb(r.idleRss),
      pass: r.idleRss <= 150 * 1048576,
    });
  if (r.memory) {
    const m = r.memory;
    v.push({
      target: `RSS growth over ${m.commands} commands ≤ 10%`,
      measured: `${round(m.rssGrowthPct, 1)}% (${mb(m.steadyRss)} → ${mb(m.midRss)} → ${mb(m.afterRss)} after the first ${m.steadyCommands}; ${round(
        m.secondHalfRssGrowthPct,
        1,
      )}% in the second half; heap ${mb(m.steadyHeap)} → ${mb(m.afterHeap)}; ${round(m.sinceWarmupRssGrowthPct, 1)}% since the warm-up)`,
      pass: m.rssGrowthPct <= 10,
    });
  }
  return v;
}

/** A plain-text table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) => r.map((c, i) => String(c).padEnd(widths[i]!)).join('  ');
  return [
    line(cells[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}
