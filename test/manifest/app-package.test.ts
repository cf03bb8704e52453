import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestCommandLists } from '../../src/commands/command-menu';
import { createRegistry } from '../../src/commands/create-registry';
import { BOT_ID, build, ROOT } from './manifest-kit';
import { alphaAt, readPng } from './read-png';

// @microsoft/app-manifest require()s strip-bom 5, which is ESM-only. Node 20.19+ loads it
// natively (so `npm run package` works), but jest's CommonJS loader cannot; a one-line CJS
// stand-in keeps the real validator under test.
jest.mock('strip-bom', () => ({
  __esModule: true,
  default: (text: string) => text.replace(/^\uFEFF/, ''),
}));

// appPackage/: the manifest template the Agents Toolkit reads and the two icons every package carries.

describe('appPackage/manifest.json (the Agents Toolkit reads it too)', () => {
  const template = JSON.parse(readFileSync(join(ROOT, 'appPackage', 'manifest.json'), 'utf8')) as {
    bots: { commandLists: unknown }[];
  };

  it("carries the registry's command lists, so a Toolkit-built package has the same menu", () => {
    const fromRegistry = build({ commands: manifestCommandLists(createRegistry()) });
    expect(template.bots[0]?.commandLists).toEqual(fromRegistry.bots[0]?.commandLists);
  });

  it('uses only the placeholders npm run package fills', () => {
    const text = readFileSync(join(ROOT, 'appPackage', 'manifest.json'), 'utf8');
    const names = [...text.matchAll(/\$\{\{(\w+)\}\}/g)].map((m) => m[1]);
    expect([...new Set(names)].sort()).toEqual(['APP_VERSION', 'BOT_ID', 'TEAMS_APP_ID']);
    const dir = mkdtempSync(join(tmpdir(), 'manifest-template-'));
    try {
      const templatePath = join(dir, 'manifest.json');
      writeFileSync(templatePath, text.replace('${{BOT_ID}}', '${{BOT_DOMAIN}}'));
      expect(() => build({ templatePath })).toThrow(/unknown field \$\{\{BOT_DOMAIN\}\}/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The Agents Toolkit CLI validates the same template offline (ATK_CLI=path/to/atk; it is not a
// dev dependency: it installs only with --ignore-scripts, its keytar build needs libsecret).
const atk = process.env['ATK_CLI'];
(atk ? describe : describe.skip)('the Agents Toolkit CLI (ATK_CLI)', () => {
  const run = (manifest: string): { status: number | null; out: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'atk-'));
    try {
      writeFileSync(
        join(dir, '.env.test'),
        `TEAMS_APP_ID=${BOT_ID}\nBOT_ID=${BOT_ID}\nAPP_VERSION=1.0.0\n`,
      );
      const args = ['validate', '--manifest-file', manifest, '--env-file', join(dir, '.env.test')];
      const r = spawnSync(atk!, [...args, '--telemetry', 'false', '-i', 'false'], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('atk validate passes appPackage/manifest.json and fails a broken copy', () => {
    const ok = run(join(ROOT, 'appPackage', 'manifest.json'));
    expect(ok.out).toMatch(/All passed/);
    const dir = mkdtempSync(join(tmpdir(), 'atk-broken-'));
    try {
      const broken = join(dir, 'manifest.json');
      const text = readFileSync(join(ROOT, 'appPackage', 'manifest.json'), 'utf8');
      writeFileSync(broken, text.replace('"#0F6CBD"', '"blue"'));
      expect(run(broken).out).toMatch(/accentColor/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('icons', () => {
  const color = readPng(readFileSync(join(ROOT, 'appPackage', 'color.png')));
  const outline = readPng(readFileSync(join(ROOT, 'appPackage', 'outline.png')));

  it('color.png is 192×192 RGBA, opaque in the middle, transparent rounded corners', () => {
    expect([color.width, color.height, color.colorType]).toEqual([192, 192, 6]);
    expect(alphaAt(color, 0, 0)).toBe(0);
    expect(alphaAt(color, 191, 191)).toBe(0);
    expect(alphaAt(color, 96, 20)).toBe(255);
    // Both the accent background and the white glyph are there.
    const px = (x: number, y: number) => [
      ...color.pixels.subarray((y * 192 + x) * 4, (y * 192 + x) * 4 + 3),
    ];
    expect(px(96, 10)).toEqual([0x0f, 0x6c, 0xbd]);
    expect(px(96, 86)).toEqual([255, 255, 255]);
  });

  it('outline.png is 32×32, white on transparent', () => {
    expect([outline.width, outline.height, outline.colorType]).toEqual([32, 32, 6]);
    let transparent = 0;
    let opaque = 0;
    for (let i = 0; i < 32 * 32; i++) {
      const [r, g, b, a] = outline.pixels.subarray(i * 4, i * 4 + 4);
      if (a === 0) transparent++;
      if (a === 255) opaque++;
      if ((a ?? 0) > 0) expect([r, g, b]).toEqual([255, 255, 255]);
    }
    expect(transparent).toBeGreaterThan(32 * 32 * 0.5);
    expect(opaque).toBeGreaterThan(40);
    expect(alphaAt(outline, 0, 0)).toBe(0);
  });

  it('a damaged icon is refused (the reader checks every chunk CRC)', () => {
    const damaged = Buffer.from(readFileSync(join(ROOT, 'appPackage', 'outline.png')));
    // Bytes 29-32 are the IHDR chunk's CRC: only the CRC check can notice this change.
    damaged[29] = (damaged[29] ?? 0) ^ 0xff;
    expect(() => readPng(damaged)).toThrow();
  });
});
