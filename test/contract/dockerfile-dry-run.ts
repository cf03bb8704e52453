/**
 * Runs the Dockerfile's own steps without Docker (no engine, no base images on this machine):
 * each stage gets a fresh folder, COPY copies from a clean context (the repository's files
 * less .dockerignore) or an earlier stage, and RUN executes the npm and node commands; the
 * Debian setup (apt-get, mkdir/chown) is reported as skipped. Then the final stage's CMD
 * starts with its ENV and the HEALTHCHECK command must pass against it.
 *   npx ts-node --transpile-only test/contract/dockerfile-dry-run.ts   (NODE_BIN=/path/to/node24)
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

export interface DryRunReport {
  ran: string[];
  skipped: string[];
  nodeVersion: string;
  readyz: number;
  healthcheckExit: number | null;
}

const ROOT = join(__dirname, '..', '..');

/** The files a fresh clone would have (tracked plus new, not ignored), less .dockerignore's. */
export function contextFiles(root = ROOT): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f.length > 0);
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
  const toRegex = (p: string): RegExp =>
    new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
  const ignored = patterns.map(toRegex);
  return listed.filter((f) => !ignored.some((r) => r.test(f)));
}

function flagValue(ins: Instruction, name: string): string | undefined {
  const m = new RegExp(`--${name}=(\\S+)`).exec(ins.getTextContent());
  return m?.[1];
}

/**
 * `node` first on PATH, so npm and node -e run on NODE_BIN (the image's Node major), and
 * node-gyp compiles better-sqlite3 against that Node's own headers (no download).
 */
function childEnv(nodeBin: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const nodeDir = dirname(dirname(nodeBin));
  // A clean environment like a container's: none of this shell's bot, npm or jest settings,
  // only what reaching the registry needs (certificates, proxies).
  const kept = Object.entries(process.env).filter(([k]) =>
    /^(TMPDIR|LANG)$|CERT|_CA_|PROXY/i.test(k),
  );
  return {
    ...Object.fromEntries(kept),
    // The stage's ENV, except paths inside the image: node-gyp takes NODE_BIN's headers here.
    ...extra,
    PATH: `${dirname(nodeBin)}${delimiter}${process.env['PATH'] ?? ''}`,
    ...(existsSync(join(nodeDir, 'include', 'node')) ? { npm_config_nodedir: nodeDir } : {}),
    HOME: process.env['HOME'] ?? tmpdir(),
    npm_config_cache: process.env['npm_config_cache'] ?? join(process.env['HOME'] ?? '', '.npm'),
  };
}

async function waitForReady(
  url: string,
  timeoutMs: number,
  exited: () => boolean,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline && !exited()) {
    try {
      last = (await fetch(url)).status;
      if (last === 200) return last;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return last;
}

/** Runs every stage in `work`, then the image's CMD on `port`; always stops what it started. */
export async function dryRunDockerfile(options: {
  nodeBin?: string;
  port: number;
  log?: (line: string) => void;
}): Promise<DryRunReport> {
  const nodeBin = options.nodeBin ?? process.execPath;
  const log = options.log ?? (() => undefined);
  const work = mkdtempSync(join(tmpdir(), 'dockerfile-dry-run-'));
  const context = join(work, 'context');
  for (const f of contextFiles()) {
    mkdirSync(dirname(join(context, f)), { recursive: true });
    cpSync(join(ROOT, f), join(context, f));
  }
  const dockerfile = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const report: DryRunReport = {
    ran: [],
    skipped: [],
    nodeVersion: '',
    readyz: 0,
    healthcheckExit: null,
  };
  report.nodeVersion = execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim();
  const stageDirs = new Map<string, string>();
  let stageRoot = '';
  let workdir = '/';
  let env: Record<string, string> = {};
  let cmd: string[] = [];
  let healthcheck: string[] = [];
  const inStage = (p: string): string => join(stageRoot, p.startsWith('/') ? p : join(workdir, p));
  try {
    for (const ins of dockerfile.getInstructions()) {
      const keyword = ins.getKeyword();
      const args = ins.getArguments().map((a) => a.getValue());
      if (keyword === 'FROM') {
        const name = args[2] ?? `stage${stageDirs.size}`;
        stageRoot = join(work, 'stages', name);
        mkdirSync(stageRoot, { recursive: true });
        stageDirs.set(name, stageRoot);
        [workdir, env] = ['/', {}];
      } else if (keyword === 'WORKDIR') {
        workdir = args[0] ?? '/';
        mkdirSync(inStage('.'), { recursive: true });
      } else if (keyword === 'ENV') {
        for (const p of ins.getArguments()) {
          const [k, v] = p.getValue().split(/=(.*)/s, 2);
          if (k) env[k] = v ?? '';
        }
      } else if (keyword === 'COPY') {
        const from = flagValue(ins, 'from');
        const plain = args.filter((a) => !a.startsWith('--'));
        const dest = plain.pop() ?? '.';
        const sourceRoot = from ? (stageDirs.get(from) ?? '') : context;
        for (const src of plain) {
          const target = dest.endsWith('/')
            ? join(inStage(dest), src.split('/').pop() ?? '')
            : inStage(dest);
          cpSync(join(sourceRoot, src), target, { recursive: true });
        }
      } else if (keyword === 'RUN') {
        const command = ins.getArgumentsContent()?.replace(/\s+/g, ' ').trim() ?? '';
        if (!/^(npm|node|npx) /.test(command)) {
          report.skipped.push(command);
          continue;
        }
        log(`RUN ${command}`);
        const r = spawnSync('sh', ['-c', command], {
          cwd: inStage('.'),
          env: childEnv(nodeBin, env),
          encoding: 'utf8',
          timeout: 15 * 60_000,
        });
        if (r.status !== 0) throw new Error(`RUN ${command} failed:\n${r.stdout}\n${r.stderr}`);
        report.ran.push(command);
      } else if (keyword === 'CMD') {
        cmd = JSON.parse(ins.getArgumentsContent() ?? '[]') as string[];
      } else if (keyword === 'HEALTHCHECK') {
        const m = /CMD\s+(\[.*\])\s*$/s.exec(ins.getArgumentsContent() ?? '');
        healthcheck = m?.[1] ? (JSON.parse(m[1]) as string[]) : [];
      }
    }
    const [exe, ...rest] = cmd;
    if (exe !== 'node' || !healthcheck.length)
      throw new Error('the Dockerfile has no node CMD or HEALTHCHECK');
    const runEnv = childEnv(nodeBin, { ...env, PORT: String(options.port), LOG_LEVEL: 'warn' });
    log(`CMD ${cmd.join(' ')} (PORT=${options.port})`);
    const bot = spawn(nodeBin, rest, { cwd: inStage('.'), env: runEnv, stdio: 'inherit' });
    try {
      const exited = (): boolean => bot.exitCode !== null || bot.signalCode !== null;
      report.readyz = await waitForReady(`http://127.0.0.1:${options.port}/readyz`, 60_000, exited);
      if (exited()) throw new Error(`CMD exited with ${String(bot.exitCode ?? bot.signalCode)}`);
      const [, ...hcArgs] = healthcheck;
      report.healthcheckExit = spawnSync(nodeBin, hcArgs, { env: runEnv, timeout: 10_000 }).status;
    } finally {
      if (bot.exitCode === null && bot.signalCode === null) {
        const exited = new Promise((r) => bot.once('exit', r));
        bot.kill('SIGTERM');
        await exited;
      }
    }
    return report;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  dryRunDockerfile({
    nodeBin: process.env['NODE_BIN'],
    port: Number(process.env['PORT'] ?? 39780),
    log: (l) => console.log(l),
  }).then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exitCode = r.readyz === 200 && r.healthcheckExit === 0 ? 0 : 1;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
