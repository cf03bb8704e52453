import {
  manifestCommands,
  MANIFEST_LIMITS,
  type BotCommand,
} from '../../src/manifest/build-manifest';
import { DEFAULT_COMMANDS } from '../../src/manifest/package-app';
import { validateManifest } from '../../src/manifest/validate-manifest';
import { BOT_ID, build, commands } from './manifest-kit';

// @microsoft/app-manifest require()s strip-bom 5, which is ESM-only. Node 20.19+ loads it
// natively (so `npm run package` works), but jest's CommonJS loader cannot; a one-line CJS
// stand-in keeps the real validator under test.
jest.mock('strip-bom', () => ({
  __esModule: true,
  default: (text: string) => text.replace(/^\uFEFF/, ''),
}));

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
