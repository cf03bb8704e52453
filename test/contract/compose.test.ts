import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config/load-config';

// No Docker engine here: compose.yaml's shape is checked, and each bot's environment must be
// one the bot's own configuration loader accepts.
const ROOT = join(__dirname, '..', '..');

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const bots = Object.entries(services).filter(([name]) => name.startsWith('bot-'));

/** Compose's `${NAME:-default}` with nothing set, as `docker compose up` sees it. */
const interpolate = (value: string): string =>
  value.replace(/\$\{\w+:-([^}]*)\}/g, (_, fallback: string) => fallback);
const option = (command: string[], name: string): string | undefined =>
  command[command.indexOf(name) + 1];

describe('contract: compose.yaml', () => {
  const emulator = services['emulator']!;

  it('has two bot replicas from this Dockerfile, Azurite and the emulator', () => {
    expect(Object.keys(services).sort()).toEqual(['azurite', 'bot-1', 'bot-2', 'emulator']);
    for (const [, bot] of bots) {
      expect(bot.build).toBe('.');
      expect(bot.depends_on).toEqual({
        azurite: { condition: 'service_healthy' },
        emulator: { condition: 'service_healthy' },
      });
    }
    expect(services['azurite']?.image).toMatch(/azurite:3\.35\.0$/);
  });

  it('runs the emulator from the image, listening for the other containers', () => {
    const command = emulator.command!.map(interpolate);
    expect(command.slice(0, 3)).toEqual([
      'node',
      'dist/src/emulator/main.js',
      'config/digitre.yaml',
    ]);
    expect(existsSync(join(ROOT, 'src', 'emulator', 'main.ts'))).toBe(true);
    expect(option(command, '--host')).toBe('0.0.0.0');
    expect(option(command, '--org-url')).toBe(`http://emulator:${command[3]}/digitre`);
  });

  it('the emulator started with those options hands out the URL the bots use', async () => {
    const command = emulator.command!.map(interpolate);
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    // As compose runs it, but on loopback and a free port (there is no "emulator" host here).
    const args = [...command.slice(2)];
    args[1] = String(port);
    args[args.indexOf('--host') + 1] = '127.0.0.1';
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/emulator/main.ts', ...args],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const [first] = (await once(child.stdout, 'data')) as [Buffer];
      expect(first.toString()).toContain(`ADO_ORG_URL=${option(command, '--org-url')}\n`);
      const pat = option(command, '--pat')!;
      const res = await fetch(`http://127.0.0.1:${port}/digitre/_apis/ResourceAreas`, {
        headers: { authorization: `Basic ${Buffer.from(`:${pat}`).toString('base64')}` },
      });
      expect(res.status).toBe(200);
      const areas = (await res.json()) as { value: { locationUrl: string }[] };
      expect(areas.value.length).toBeGreaterThan(0);
      for (const a of areas.value) expect(a.locationUrl).toBe(`${option(command, '--org-url')}/`);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  }, 30_000);

  it.each(bots)(
    '%s: an environment the bot accepts, on the shared store and emulator',
    (_, bot) => {
      const env = Object.fromEntries(
        Object.entries(bot.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]),
      );
      for (const name of Object.keys(env)) expect(CONFIG_VARIABLES).toContain(name);
      const config = loadConfig(env);
      expect(config.store.kind).toBe('azure');
      expect(env['AZURE_STORAGE_CONNECTION_STRING']).toMatch(
        /BlobEndpoint=http:\/\/azurite:10000\//,
      );
      expect(env['AZURE_STORAGE_CONNECTION_STRING']).toMatch(
        /TableEndpoint=http:\/\/azurite:10002\//,
      );
      const command = emulator.command!.map(interpolate);
      expect(config.ado?.orgUrl).toBe(option(command, '--org-url'));
      expect(config.ado?.pat).toBe(option(command, '--pat'));
      expect(config.port).toBe(3978);
    },
  );

  it('publishes each replica on a different loopback port only', () => {
    const published = bots.flatMap(([, b]) => b.ports ?? []);
    expect(published).toHaveLength(2);
    for (const p of published) expect(p).toMatch(/^127\.0\.0\.1:\d+:3978$/);
    expect(new Set(published.map((p) => p.split(':')[1])).size).toBe(2);
    expect(services['azurite']?.ports ?? []).toEqual([]);
    expect(emulator.ports ?? []).toEqual([]);
  });

  it('every service has a healthcheck; the bots probe /readyz', () => {
    for (const [name, s] of Object.entries(services)) {
      expect([name, s.healthcheck?.test[0]]).toEqual([name, 'CMD']);
    }
    for (const [, bot] of bots) expect(bot.healthcheck?.test.join(' ')).toMatch(/:3978\/readyz/);
    expect(emulator.healthcheck?.test.join(' ')).toMatch(/connect\(8080,/);
  });
});
