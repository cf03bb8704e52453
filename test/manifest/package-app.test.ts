import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  packageApp,
  PACKAGE_FILE_NAME,
  parsePackageArgs,
  ssoWebApplicationInfo,
} from '../../src/manifest/package-app';
import { validateManifest } from '../../src/manifest/validate-manifest';
import { BOT_ID, commands, ROOT } from './manifest-kit';
import { readZip } from './read-zip';

// @microsoft/app-manifest require()s strip-bom 5, which is ESM-only. Node 20.19+ loads it
// natively (so `npm run package` works), but jest's CommonJS loader cannot; a one-line CJS
// stand-in keeps the real validator under test.
jest.mock('strip-bom', () => ({
  __esModule: true,
  default: (text: string) => text.replace(/^\uFEFF/, ''),
}));

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
});
