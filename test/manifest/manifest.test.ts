import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildManifest,
  manifestCommands,
  MANIFEST_LIMITS,
  type BotCommand,
} from '../../src/manifest/build-manifest';
import { manifestCommandLists } from '../../src/commands/command-menu';
import { createRegistry } from '../../src/commands/create-registry';
import {
  DEFAULT_COMMANDS,
  packageApp,
  PACKAGE_FILE_NAME,
  parsePackageArgs,
  ssoWebApplicationInfo,
} from '../../src/manifest/package-app';
import { findPackageRoot } from '../../src/config/package-root';
import { validateManifest } from '../../src/manifest/validate-manifest';
import { alphaAt, readPng } from './read-png';
import { readZip } from './read-zip';

// @microsoft/app-manifest require()s strip-bom 5, which is ESM-only. Node 20.19+ loads it
// natively (so `npm run package` works), but jest's CommonJS loader cannot; a one-line CJS
// stand-in keeps the real validator under test.
jest.mock('strip-bom', () => ({
  __esModule: true,
  default: (text: string) => text.replace(/^\uFEFF/, ''),
}));

const ROOT = join(__dirname, '..', '..');
const BOT_ID = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';

const commands = (n: number): BotCommand[] =>
  Array.from({ length: n }, (_, i) => ({ title: `cmd${i}`, description: `does thing ${i}` }));

function build(extra: Partial<Parameters<typeof buildManifest>[0]> = {}) {
  return buildManifest({
    botId: BOT_ID,
    commands: DEFAULT_COMMANDS,
    version: '1.2.3',
    validDomains: ['chatops.digitre.example'],
    ...extra,
  });
}

describe('buildManifest', () => {
  it('validates offline against the bundled Teams schema', async () => {
    const manifest = build({
      webApplicationInfo: { id: BOT_ID, resource: 'api://chatops.digitre.example/' + BOT_ID },
    });
    expect(manifest.manifestVersion).toBe('1.22');
    expect(await validateManifest(manifest)).toEqual([]);
  });

  it('the validator catches what Teams would reject', async () => {
    const manifest = build();
    const bot = manifest.bots[0]!;
    bot.commandLists[0]!.commands = commands(11);
    (manifest as Record<string, unknown>)['accentColor'] = 'blue';
    const errors = await validateManifest(manifest);
    expect(errors.join('\n')).toMatch(
      /commands.*(more than 10|maxItems)|must NOT have more than 10/,
    );
    expect(errors.join('\n')).toMatch(/accentColor/);
  });

  it('fills ids and version, and makes a bot for personal, team and group chat', () => {
    const manifest = build({ appId: '00000000-0000-4000-8000-000000000001' });
    expect(manifest.id).toBe('00000000-0000-4000-8000-000000000001');
    expect(manifest.version).toBe('1.2.3');
    expect(manifest.bots).toHaveLength(1);
    const bot = manifest.bots[0]!;
    expect(bot.botId).toBe(BOT_ID);
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(bot.supportsFiles).toBe(false);
    expect(bot.commandLists.map((l) => l.scopes)).toEqual([['personal'], ['team'], ['groupChat']]);
    for (const list of bot.commandLists) expect(list.commands).toEqual(DEFAULT_COMMANDS);
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{/);
    expect(build().id).toBe(BOT_ID);
  });

  it('merges valid domains without schemes or duplicates', () => {
    const manifest = build({
      validDomains: ['https://chatops.digitre.example/api/messages', 'chatops.digitre.example'],
    });
    expect(manifest.validDomains).toEqual(['token.botframework.com', 'chatops.digitre.example']);
    const many = Array.from({ length: 16 }, (_, i) => `d${i}.example`);
    expect(() => build({ validDomains: many })).toThrow(/16 valid domains/);
  });

  it.each([
    [{ botId: 'not-a-guid' }, /not a GUID.*MicrosoftAppId/],
    [{ version: '1.0' }, /major\.minor\.patch/],
    [{ version: '1.0.0-beta' }, /major\.minor\.patch/],
  ])('refuses %p', (bad, message) => {
    expect(() => build(bad)).toThrow(message);
  });
});

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

describe('command lists respect Teams limits', () => {
  it(`keeps the first ${MANIFEST_LIMITS.commandsPerList}, in the order given`, () => {
    const kept = manifestCommands(commands(14));
    expect(kept.map((c) => c.title)).toEqual(commands(10).map((c) => c.title));
  });

  it('drops duplicates (case-insensitive) before counting', () => {
    const kept = manifestCommands([
      { title: 'help', description: 'a' },
      { title: 'Help', description: 'b' },
      ...commands(12),
    ]);
    expect(kept).toHaveLength(10);
    expect(kept[0]).toEqual({ title: 'help', description: 'a' });
    expect(kept[1]?.title).toBe('cmd0');
  });

  it('cuts descriptions to 128 characters and flattens whitespace', () => {
    const [c] = manifestCommands([{ title: 'deploy', description: `a\n  b ${'x'.repeat(300)}` }]);
    expect(c?.description).toHaveLength(MANIFEST_LIMITS.descriptionLength);
    expect(c?.description.startsWith('a b x')).toBe(true);
    expect(c?.description.endsWith('…')).toBe(true);
  });

  it('refuses titles over 32 characters rather than change the command', () => {
    expect(() => manifestCommands([{ title: 'x'.repeat(33), description: 'd' }])).toThrow(/32/);
    expect(manifestCommands([{ title: 'x'.repeat(32), description: 'd' }])).toHaveLength(1);
  });

  it('the built manifest never exceeds the limits', () => {
    const long: BotCommand[] = Array.from({ length: 20 }, (_, i) => ({
      title: `c${i}`.padEnd(32, 'x'),
      description: 'y'.repeat(500),
    }));
    for (const list of build({ commands: long }).bots[0]!.commandLists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const c of list.commands) {
        expect(c.title.length).toBeLessThanOrEqual(32);
        expect(c.description.length).toBeLessThanOrEqual(128);
      }
    }
  });
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

describe('packageApp', () => {
  let outDir: string;
  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'teams-app-'));
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes a zip with manifest.json and the two icons', async () => {
    const commandsIn = commands(3);
    const { zipPath, manifest } = await packageApp({
      botId: BOT_ID,
      commands: commandsIn,
      outDir,
      validDomains: ['chatops.digitre.example'],
    });
    expect(zipPath).toBe(join(outDir, PACKAGE_FILE_NAME));
    const files = readZip(readFileSync(zipPath));
    expect(files.map((f) => f.name)).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const inZip = JSON.parse(files[0]!.data.toString('utf8')) as typeof manifest;
    expect(inZip).toEqual(manifest);
    expect(inZip.bots[0]?.commandLists[0]?.commands).toEqual(commandsIn);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(inZip.version).toBe(pkg.version);
    expect(files[1]!.data.equals(readFileSync(join(ROOT, 'appPackage', 'color.png')))).toBe(true);
    expect(files[2]!.data.equals(readFileSync(join(ROOT, 'appPackage', 'outline.png')))).toBe(true);
    if (existsSync('/usr/bin/unzip')) {
      const listing = execFileSync('/usr/bin/unzip', ['-l', zipPath], { encoding: 'utf8' });
      for (const name of ['manifest.json', 'color.png', 'outline.png']) {
        expect(listing).toContain(name);
      }
      expect(execFileSync('/usr/bin/unzip', ['-tq', zipPath], { encoding: 'utf8' })).toMatch(
        /No errors/,
      );
    }
  });

  it('declares Teams SSO for the bot app when asked (acting as the person needs it)', async () => {
    const { manifest } = await packageApp({
      botId: BOT_ID,
      outDir,
      webApplicationInfo: ssoWebApplicationInfo(BOT_ID),
    });
    // The Azure Bot OAuth connection's Token Exchange URL must equal this resource.
    expect(manifest['webApplicationInfo']).toEqual({
      id: BOT_ID,
      resource: `api://botid-${BOT_ID}`,
    });
    expect(await validateManifest(manifest)).toEqual([]);
    const { manifest: plain } = await packageApp({ botId: BOT_ID, outDir });
    expect(plain['webApplicationInfo']).toBeUndefined();
  });

  it('the same inputs make the same zip, byte for byte', async () => {
    const first = readFileSync((await packageApp({ botId: BOT_ID, outDir })).zipPath);
    const second = readFileSync((await packageApp({ botId: BOT_ID, outDir })).zipPath);
    expect(first.equals(second)).toBe(true);
    const other = readFileSync(
      (await packageApp({ botId: BOT_ID, outDir, version: '9.9.9' })).zipPath,
    );
    expect(first.equals(other)).toBe(false);
  });

  it('refuses a manifest the schema rejects before writing anything', async () => {
    await expect(
      packageApp({ botId: BOT_ID, outDir, version: '1.0.0', validDomains: ['x'.repeat(3000)] }),
    ).rejects.toThrow(/does not match its schema/);
  });
});

describe('helpers', () => {
  it.each([
    [['--bot-id', BOT_ID], { botId: BOT_ID, validDomains: [] }],
    [
      [`--bot-id=${BOT_ID}`, '--domain', 'a.example', '--version=2.0.0'],
      { botId: BOT_ID, version: '2.0.0', validDomains: ['a.example'] },
    ],
    [[], { validDomains: [] }],
    [['--sso', '--bot-id', BOT_ID], { botId: BOT_ID, sso: true, validDomains: [] }],
  ])('parsePackageArgs(%p)', (argv, parsed) => {
    expect(parsePackageArgs(argv)).toEqual(parsed);
  });

  it('finds the package root from the build output folder', () => {
    expect(findPackageRoot(join(ROOT, 'dist', 'src', 'manifest'))).toBe(ROOT);
  });
});
