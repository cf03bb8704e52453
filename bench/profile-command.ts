/**
 * Profiles one command: forks the bot with `--cpu-prof`, sends it `count` copies of the
 * command (after a warm-up), stops it and prints where its CPU time went. Cheaper than
 * `npm run bench -- --profile` when looking at one path.
 *
 *   npm run build && node dist/bench/profile-command.js help 3000 [functions]
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { messageBody } from './bench-activity';
import { ROOT, startHarness } from './harness';
import { ConversationPool, drive } from './load';
import { topFunctions, type CpuProfile } from './top-functions';

async function main(): Promise<void> {
  const text = process.argv[2] ?? 'help';
  const count = Number(process.argv[3] ?? 3000);
  const n = Number(process.argv[4] ?? 25);
  const dir = join(ROOT, 'bench', 'results', 'profiles', `command-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const h = await startHarness({ botExecArgv: [] });
  try {
    const bot = await h.forkBot({ execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
    const pool = new ConversationPool('a:profile');
    const load = (total: number, tag: string) =>
      drive(
        {
          url: bot.url,
          connector: h.connector,
          conversations: pool,
          tag,
          body: (id, conversationId) => messageBody(text, id, h.connector.url, conversationId),
        },
        { kind: 'count', connections: 10, total },
      ).finally(() => h.connector.reset());
    await load(300, `warm-${Date.now()}`);
    const before = await bot.stats();
    const r = await load(count, `prof-${Date.now()}`);
    const after = await bot.stats();
    await bot.stop();
    const cpuMs = (after.cpuMicros - before.cpuMicros) / 1000;
    process.stdout.write(
      `${r.ok} × '${text}' (${r.failed} failed): ${(cpuMs / r.ok).toFixed(2)} CPU ms per command\n`,
    );
    const file = readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(dir, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (!file) throw new Error(`no profile written in ${dir}`);
    const { functions, packages, totalMs } = topFunctions(
      JSON.parse(readFileSync(file, 'utf8')) as CpuProfile,
      n,
    );
    const pct = (ms: number) => `${((ms / totalMs) * 100).toFixed(1).padStart(5)}%`;
    process.stdout.write(`${file}\ntotal ${totalMs.toFixed(0)} ms sampled (whole process)\n\n`);
    for (const [k, ms] of packages) process.stdout.write(`${pct(ms)}  ${k}\n`);
    process.stdout.write('\n');
    for (const [k, ms] of functions) process.stdout.write(`${pct(ms)}  ${k}\n`);
  } finally {
    await h.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`profile failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
