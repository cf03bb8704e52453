import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CARD_ACTIONS } from '../../src/actions/card-actions';
import { CARD_VERBS } from '../../src/cards/card-verbs';
import { COMMAND_MENU, manifestCommandLists } from '../../src/commands/command-menu';
import { createRegistry } from '../../src/commands/create-registry';
import { buildManifest, MANIFEST_LIMITS } from '../../src/manifest/build-manifest';

const registry = createRegistry();
const BOT_ID = '11111111-2222-3333-4444-555555555555';

describe('contract: the Teams manifest and the command registry agree', () => {
  const manifest = buildManifest({
    botId: BOT_ID,
    commands: manifestCommandLists(registry),
    version: '1.0.0',
    validDomains: [],
  });
  const lists = manifest.bots[0]!.commandLists;

  it('lists every registry command in some scope, within Teams limits', () => {
    const listed = new Set(lists.flatMap((l) => l.commands.map((c) => c.title)));
    expect(registry.map((s) => s.name).filter((n) => !listed.has(n))).toEqual([]);
    for (const list of lists) {
      expect(list.commands.length).toBeLessThanOrEqual(MANIFEST_LIMITS.commandsPerList);
      for (const c of list.commands) {
        expect(c.title.length).toBeLessThanOrEqual(MANIFEST_LIMITS.titleLength);
        expect(c.description.length).toBeLessThanOrEqual(MANIFEST_LIMITS.descriptionLength);
      }
    }
    expect(lists.map((l) => l.scopes[0]).sort()).toEqual(['groupChat', 'personal', 'team']);
  });

  it('menus name only commands that exist (a renamed command fails here)', () => {
    const names = new Set(registry.map((s) => s.name));
    const unknown = Object.values(COMMAND_MENU)
      .flat()
      .filter((n) => !names.has(n) && n !== 'setup');
    expect(unknown).toEqual([]);
  });

  it('gives every command usage, a summary and an example that parses', () => {
    for (const spec of registry) {
      expect(
        spec.usage.startsWith(spec.name.split(' ')[0]!) || spec.usage.includes(spec.name),
      ).toBe(true);
      expect(spec.summary.length).toBeGreaterThan(10);
      expect(spec.examples.length).toBeGreaterThan(0);
    }
  });
});

describe('contract: card verbs and card actions agree', () => {
  const cardsDir = join(__dirname, '../../cards');
  const verbsInTemplates = new Set<string>();
  for (const file of readdirSync(cardsDir).filter((f) => f.endsWith('.json'))) {
    for (const m of readFileSync(join(cardsDir, file), 'utf8').matchAll(/"verb"\s*:\s*"([^"]+)"/g))
      verbsInTemplates.add(m[1]!);
  }

  it('every verb in a card template has a handler', () => {
    const handled = new Set(CARD_ACTIONS.map((a) => a.verb));
    expect([...verbsInTemplates].filter((v) => !handled.has(v as never))).toEqual([]);
    expect(verbsInTemplates.size).toBeGreaterThanOrEqual(5);
  });

  it('every declared verb has exactly one handler', () => {
    for (const verb of Object.values(CARD_VERBS)) {
      expect(CARD_ACTIONS.filter((a) => a.verb === verb)).toHaveLength(1);
    }
    expect(CARD_ACTIONS).toHaveLength(Object.values(CARD_VERBS).length);
  });
});
