import { join } from 'node:path';
import fc from 'fast-check';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { createRegistry } from '../../src/commands/create-registry';
import { parseCommand } from '../../src/commands/parse-command';

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
const registry = createRegistry();
const parse = (text: string) => parseCommand(text, registry, { catalog });

describe('parseCommand: help and the basics', () => {
  it.each([
    ['help', undefined],
    ['HELP', undefined],
    ['<at>DigitRE</at> help', undefined],
    ['help deploy', 'deploy'],
    ['Help Status', 'status'],
    ['?', undefined],
  ])('%j is help (topic %j)', (text, topic) => {
    const r = parse(text);
    expect(r.ok && r.spec.name).toBe('help');
    expect(r.ok && r.args).toEqual({ topic });
  });

  it('suggests help for hlep', () => {
    const r = parse('hlep');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.suggestions).toContain('help');
    expect(!r.ok && r.error.problem).toMatch(/don't know the command `hlep`/);
  });

  it('matches whole words only: "helpful" is not help', () => {
    const r = parse('helpful');
    expect(r.ok).toBe(false);
  });

  it('answers an empty message with a usage error', () => {
    const r = parse('   ');
    expect(!r.ok && r.error.problem).toMatch(/empty/);
  });

  it('refuses a 20,000-character message without parsing it', () => {
    const r = parse('deploy '.repeat(3000));
    expect(!r.ok && r.error.problem).toMatch(/at most 1000/);
  });

  it('reports extra words to help with the command usage', () => {
    const r = parse('help deploy prod');
    expect(!r.ok && r.error.usage).toBe('help [command]');
    expect(!r.ok && r.error.command).toBe('help');
  });

  it('never throws and always returns a command or a usage error', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ maxLength: 30000 })),
        (text) => {
          const r = parse(text);
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(r.error.problem.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
