import { execFile, spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { botChildEnv } from '../support/bot-process';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const run = promisify(execFile);

/** `x` of every runtime `import … from 'x'`, `require('x')` and `import('x')` in a file. */
function runtimeSpecifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*import\s+(?!type\b)[^'";]*?from\s+'([^']+)'/gm,
    /^\s*import\s+'([^']+)'/gm,
    /(?<!typeof\s)\brequire\(\s*'([^']+)'\s*\)/g,
    /(?<!typeof\s)\bimport\(\s*'([^']+)'\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const m of source.matchAll(pattern)) found.push(m[1]!);
  }
  return found;
}

/** `@scope/name` or `name` of a bare specifier; undefined for relative paths and builtins. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const name = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0]!;
  return builtinModules.includes(name) ? undefined : name;
}

/** The `.ts` files `src/index.ts` loads at run time, following relative imports. */
function reachableFromIndex(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of runtimeSpecifiers(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const base = join(dirname(file), specifier);
      const target = [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
      if (target) visit(target);
    }
  };
  visit(join(ROOT, 'src/index.ts'));
  return [...seen];
}

describe('the production start (npm run build, then npm run start:prod with production dependencies only)', () => {
  it('start:prod runs the compiled bot with node, no compiler', () => {
    expect(pkg.scripts['start:prod']).toBe('node dist/src/index.js');
  });

  it('nothing the bot loads from src/index.ts needs a devDependency', () => {
    const files = reachableFromIndex();
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.flatMap((file) =>
      runtimeSpecifiers(readFileSync(file, 'utf8'))
        .map(packageOf)
        .filter((name): name is string => name !== undefined && !(name in pkg.dependencies))
        .map((name) => `${relative(ROOT, file)}: ${name}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the scan finds a devDependency when one is used', () => {
    const sample = "import { chromium } from 'playwright-core';\nconst x = require('jest');";
    expect(runtimeSpecifiers(sample).map(packageOf)).toEqual(['playwright-core', 'jest']);
    expect(runtimeSpecifiers("import type { Page } from 'playwright-core';")).toEqual([]);
  });

  /**
   * A fresh copy with `npm ci --omit=dev` (offline, from the npm cache `npm ci` filled), the
   * compiled bot, and the real `node dist/src/index.js` until /readyz answers 200.
   * `--ignore-scripts` plus a copy of the built better-sqlite3 addon stands in for its
   * one-minute native compile, which the Docker build does for real.
   */
  it('serves /readyz 200 from a copy that has production dependencies only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatops-prod-'));
    try {
      for (const file of ['package.json', 'package-lock.json']) {
        cpSync(join(ROOT, file), join(dir, file));
      }
      for (const folder of ['cards', 'config']) symlinkSync(join(ROOT, folder), join(dir, folder));
      await run(
        'npm',
        ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'],
        { cwd: dir, timeout: 150_000 },
      );
      for (const dev of Object.keys(pkg.devDependencies)) {
        expect(readdirSync(join(dir, 'node_modules'))).not.toContain(dev);
      }
      cpSync(
        join(ROOT, 'node_modules/better-sqlite3/build'),
        join(dir, 'node_modules/better-sqlite3/build'),
        { recursive: true },
      );
      await run(
        process.execPath,
        [
          join(ROOT, 'node_modules/typescript/bin/tsc'),
          '-p',
          join(ROOT, 'tsconfig.build.json'),
          '--outDir',
          join(dir, 'dist'),
        ],
        { cwd: ROOT, timeout: 150_000 },
      );

      const [command, ...args] = pkg.scripts['start:prod']!.split(' ');
      expect(command).toBe('node');
      const child = spawn(process.execPath, args, {
        cwd: dir,
        env: botChildEnv({ CHATOPS_STORE: `sqlite:${join(dir, '.data/chatops.db')}` }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      try {
        let status = 0;
        for (let i = 0; i < 300 && status !== 200 && child.exitCode === null; i++) {
          const url = /listening on (http:\/\/[^\s/]+)\/api\/messages/.exec(output)?.[1];
          if (url)
            status = await fetch(`${url}/readyz`).then(
              (res) => res.status,
              () => 0,
            );
          if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect({ status, output }).toMatchObject({ status: 200 });
      } finally {
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
