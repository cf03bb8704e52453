/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`, e.g. `npm run bench -- --profile`) and
 * prints the functions with the most self time, and the files/packages they come from.
 *
 *   node dist/bench/top-functions.js bench/results/profiles/CPU.….cpuprofile [20]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function and per package, in ms, biggest first. */
export function topFunctions(
  profile: CpuProfile,
  n = 20,
): { functions: [string, number][]; packages: [string, number][]; totalMs: number } {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const where = f.url.replace(/^file:\/\//, '');
    const short = where.includes('node_modules/')
      ? where.slice(where.lastIndexOf('node_modules/') + 13)
      : where.replace(/^.*\/dist\//, 'dist/');
    const key = `${f.functionName || '(anonymous)'} ${short}:${f.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us / 1000);
    const pkg = where.includes('node_modules/')
      ? (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1] ?? '?')
      : where.includes('/dist/src/')
        ? 'digitre-chatops (src)'
        : where
          ? 'node:internal'
          : f.functionName || '(vm)';
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us / 1000);
    total += us / 1000;
  }
  const sort = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { functions: sort(fns), packages: sort(pkgs), totalMs: total };
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node dist/bench/top-functions.js <file.cpuprofile> [n]\n');
    process.exit(2);
  }
  const { functions, packages, totalMs } = topFunctions(
    JSON.parse(readFileSync(file, 'utf8')) as CpuProfile,
    Number(process.argv[3] ?? 20),
  );
  const pct = (ms: number) => `${((ms / totalMs) * 100).toFixed(1).padStart(5)}%`;
  process.stdout.write(`total ${totalMs.toFixed(0)} ms sampled\n\nself time by package\n`);
  for (const [k, ms] of packages)
    process.stdout.write(`${pct(ms)} ${ms.toFixed(0).padStart(6)} ms  ${k}\n`);
  process.stdout.write('\nself time by function\n');
  for (const [k, ms] of functions)
    process.stdout.write(`${pct(ms)} ${ms.toFixed(0).padStart(6)} ms  ${k}\n`);
}
