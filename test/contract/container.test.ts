import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { contextFiles, dryRunDockerfile } from './dockerfile-dry-run';

// No Docker engine and no base images here: the Dockerfile is linted, its shape checked, and
// (CHATOPS_CONTAINER_DRY_RUN=1, a few minutes) its npm/node steps run in a clean folder.
const ROOT = join(__dirname, '..', '..');
const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);

interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

function stages(): Stage[] {
  const out: Stage[] = [];
  for (const ins of dockerfile.getInstructions()) {
    const args = ins.getArguments().map((a) => a.getValue());
    if (ins.getKeyword() === 'FROM') {
      out.push({ name: args[2] ?? '', base: args[0] ?? '', instructions: [] });
    } else {
      out.at(-1)?.instructions.push(ins);
    }
  }
  return out;
}

const runs = (s: Stage): string[] =>
  s.instructions
    .filter((i) => i.getKeyword() === 'RUN')
    .map((i) => i.getArgumentsContent()?.replace(/\s+/g, ' ') ?? '');
const only = (s: Stage, keyword: string): Instruction[] =>
  s.instructions.filter((i) => i.getKeyword() === keyword);

describe('contract: Dockerfile', () => {
  const all = stages();
  const build = all[0]!;
  const runtime = all.at(-1)!;

  it('passes the dockerfile-utils linter', () => {
    expect(validate(text).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    // The linter can fail: a broken copy of the file is reported.
    expect(validate(`${text}\nEXPOSE not-a-port\nHEALTHCHECK NONE\n`).length).toBeGreaterThan(0);
  });

  it('is multi-stage on a current Node LTS slim image (not Node 20)', () => {
    expect(all.map((s) => s.name)).toEqual(['build', 'runtime']);
    const arg = /^ARG NODE_VERSION=(\d+)$/m.exec(text);
    expect(Number(arg?.[1])).toBeGreaterThanOrEqual(22);
    expect(Number(arg?.[1]) % 2).toBe(0); // even majors are the LTS lines
    for (const s of all) expect(s.base).toMatch(/^node:\$\{NODE_VERSION\}-\w+-slim$/);
  });

  it('installs build tools for better-sqlite3 in the build stage only', () => {
    expect(runs(build).join('\n')).toMatch(/apt-get install .*python3 make g\+\+/);
    expect(runs(runtime).join('\n')).not.toMatch(/python3|make|g\+\+|build-essential/);
    expect(runs(build)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^npm ci\b/),
        'npm run build',
        expect.stringMatching(/^npm prune --omit=dev\b/),
      ]),
    );
    // The runtime stage takes the pruned node_modules and the compiled code, nothing else built.
    const fromBuild = only(runtime, 'COPY').filter((c) => /--from=build/.test(c.getTextContent()));
    expect(fromBuild.map((c) => c.getArguments().at(-1)?.getValue())).toEqual([
      './node_modules',
      './dist/src',
    ]);
    expect(runs(runtime).join('\n')).not.toMatch(/npm (ci|install)/);
  });

  it('runs node directly as a non-root user under an init process, with a readiness check', () => {
    expect(only(runtime, 'USER').at(-1)?.getArgumentsContent()).toBe('node');
    expect(JSON.parse(only(runtime, 'CMD').at(-1)?.getArgumentsContent() ?? '[]')).toEqual([
      'node',
      'dist/src/index.js',
    ]);
    expect(only(runtime, 'ENTRYPOINT').at(-1)?.getArgumentsContent()).toBe(
      '["/usr/bin/tini", "--"]',
    );
    expect(runs(runtime).join('\n')).toMatch(/apt-get install .*\btini\b/);
    expect(only(runtime, 'HEALTHCHECK').at(-1)?.getTextContent()).toMatch(/\/readyz/);
    expect(only(runtime, 'EXPOSE').at(-1)?.getArgumentsContent()).toBe('3978');
  });

  it('copies only files the build context has, and the context leaves secrets and state out', () => {
    const context = contextFiles();
    for (const s of all) {
      for (const copy of only(s, 'COPY')) {
        if (/--from=/.test(copy.getTextContent())) continue;
        const sources = copy.getArguments().map((a) => a.getValue());
        for (const src of sources.slice(0, -1)) {
          expect(context.some((f) => f === src || f.startsWith(`${src}/`))).toBe(true);
        }
      }
    }
    for (const path of ['cards/help.json', 'config/digitre.yaml', 'package-lock.json']) {
      expect(context).toContain(path);
    }
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.env', '.data', 'node_modules', 'dist', '.git']) {
      expect(ignore).toContain(entry);
    }
    expect(context.some((f) => f.startsWith('test/') || f.startsWith('node_modules/'))).toBe(false);
  });
});

const dryRun = process.env['CHATOPS_CONTAINER_DRY_RUN'] === '1' ? it : it.skip;

describe('the Dockerfile steps in a clean folder (CHATOPS_CONTAINER_DRY_RUN=1)', () => {
  dryRun(
    'npm ci, build, prune to production, then CMD serves /readyz 200 and HEALTHCHECK passes',
    async () => {
      const port = await new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const p = (s.address() as { port: number }).port;
          s.close(() => resolve(p));
        });
      });
      const nodeBin = process.env['NODE_BIN'];
      if (nodeBin) expect(existsSync(nodeBin)).toBe(true);
      const report = await dryRunDockerfile({ nodeBin, port });
      expect(report.ran).toEqual([
        'npm ci --no-audit --no-fund',
        'npm run build',
        'npm prune --omit=dev --no-audit --no-fund',
      ]);
      expect(report.skipped.every((c) => /^(apt-get|mkdir)/.test(c))).toBe(true);
      expect(report.readyz).toBe(200);
      expect(report.healthcheckExit).toBe(0);
    },
    20 * 60_000,
  );
});
