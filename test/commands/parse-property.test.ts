import { join } from 'node:path';
import fc from 'fast-check';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { createRegistry } from '../../src/commands/create-registry';
import { smallTalkCommand } from '../../src/commands/handlers/small-talk';
import { parseCommand, type ParsedCommand } from '../../src/commands/parse-command';

/**
 * Whatever arrives from Teams, the parser answers with a command or a usage error: it never
 * throws, and nothing it lets through as a branch or parameter value can carry characters that
 * mean something in YAML, URLs, shells or markdown.
 */

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
const registry = createRegistry();
const parse = (text: string) => parseCommand(text, registry, { catalog });

const SAFE = /^[A-Za-z0-9._:/@+-]+$/;

/** Every branch and parameter value inside parsed arguments, wherever the command keeps them. */
function valuesToCheck(args: unknown): string[] {
  if (args === null || typeof args !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(args as Record<string, unknown>)) {
    if ((k === 'branch' || k === 'model') && v !== undefined) out.push(String(v));
    else if (k === 'parameters' && v && typeof v === 'object') {
      out.push(...Object.values(v as Record<string, unknown>).map(String));
      out.push(...Object.keys(v as Record<string, unknown>));
    } else if (typeof v === 'object') out.push(...valuesToCheck(v));
  }
  return out;
}

function checkShape(r: ParsedCommand): void {
  if (r.ok) {
    // A registry command, or the greeting/thanks answer (kept out of help and the command menu).
    expect([...registry, smallTalkCommand]).toContain(r.spec);
    for (const value of valuesToCheck(r.args)) expect(value).toMatch(SAFE);
  } else {
    expect(typeof r.error.problem).toBe('string');
    expect(r.error.problem.trim().length).toBeGreaterThan(0);
    expect(Array.isArray(r.error.suggestions)).toBe(true);
    for (const s of r.error.suggestions) expect(typeof s).toBe('string');
  }
}

const property = (arb: fc.Arbitrary<string>) =>
  fc.property(arb, (text) => {
    let r: ParsedCommand;
    try {
      r = parse(text);
    } catch (err) {
      throw new Error(
        `parseCommand threw on ${JSON.stringify(text.slice(0, 200))}: ${String(err)}`,
      );
    }
    checkShape(r);
  });

/** Words the parser reacts to, so random phrases reach deep into every command's parser. */
const commandWords = registry.flatMap((s) => [s.name, ...s.aliases]);
const argumentWords = [
  ...catalog.environments.flatMap((e) => [e.key, ...e.aliases]),
  ...catalog.pipelines.flatMap((p) => [p.key, ...p.aliases]),
  ...catalog.pipelines.flatMap((p) => p.parameters.map((x) => `${x.name}=`)),
  'model',
  'version',
  'v3',
  '3',
  'to',
  'branch',
  'from',
  'on',
  'ref',
  'dry-run',
  'dry',
  'run',
  'for',
  '2h',
  '30m',
  '--force',
  '#12',
  'failed',
  'completed',
  'approvals',
  'refs/heads/',
  '<at>DigitRE</at>',
  '&nbsp;',
  '&lt;',
  '${{',
  '}}',
  '$(',
  ')',
  ';',
  '|',
  '`',
  '"',
  "'",
  '\n',
  '..',
  '/',
  '=',
  '@',
  '{',
  '}',
  ':',
  '#',
  '%0a',
  '\u200b',
  '\ufeff',
  '\u0000',
  '-',
];
const randomToken = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.stringMatching(/^[A-Za-z0-9._:/@+=$(){};|`"'<>&#%~^!*?\\[\]-]{1,16}$/),
);
/** `name=value` built from a real parameter name and an arbitrary value. */
const paramToken = fc
  .tuple(
    fc.constantFrom(...catalog.pipelines.flatMap((p) => p.parameters.map((x) => x.name))),
    fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^[A-Za-z0-9._:/@+-]{1,20}$/)),
  )
  .map(([k, v]) => `${k}=${v}`);
const phrase = fc
  .tuple(
    fc.constantFrom(...commandWords),
    fc.array(fc.oneof(fc.constantFrom(...argumentWords), randomToken, paramToken), {
      maxLength: 12,
    }),
    fc.constantFrom(' ', '  ', '\t', '\n', '&nbsp;', ' \u200b'),
  )
  .map(([cmd, rest, sep]) => [cmd, ...rest].join(sep));

describe('parseCommand: properties', () => {
  // 2,500 + 2,000 + 2,000 + 150 + 3,500 = 10,150 random inputs.
  it('binary strings: never throws, always a command or a usage error', () => {
    fc.assert(property(fc.string({ unit: 'binary', maxLength: 200 })), { numRuns: 2500 });
  });

  it('grapheme strings (emoji, combining marks): the same', () => {
    fc.assert(property(fc.string({ unit: 'grapheme', maxLength: 200 })), { numRuns: 2000 });
  });

  it('ASCII with markup and entities: the same', () => {
    const markup = fc
      .array(
        fc.oneof(
          fc.string({ unit: 'grapheme-ascii', maxLength: 10 }),
          fc.constantFrom('<at>', '</at>', '<b>', '</p>', '&amp;', '&nbsp;', '&gt;', '<'),
        ),
        { maxLength: 20 },
      )
      .map((parts) => parts.join(''));
    fc.assert(property(markup), { numRuns: 2000 });
  });

  it('huge strings up to 30,000 characters: refused quickly, never thrown', () => {
    const huge = fc.oneof(
      fc.string({ minLength: 1000, maxLength: 30_000 }),
      fc.string({ unit: 'binary', minLength: 5000, maxLength: 30_000 }),
      fc.nat({ max: 6000 }).map((n) => `deploy prod ${'v3 '.repeat(n)}`),
      fc.nat({ max: 30_000 }).map((n) => `<at>${'a'.repeat(n)}</at> status`),
    );
    const started = Date.now();
    fc.assert(property(huge), { numRuns: 150 });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('command words followed by catalog words, parameters and junk: only safe values get through', () => {
    let checkedValues = 0;
    const targeted = fc
      .tuple(
        fc.constantFrom('deploy qa branch', 'run train on', 'subscribe prod branch', 'train on'),
        fc.oneof(randomToken, fc.stringMatching(/^[A-Za-z0-9._/-]{1,30}$/)),
        fc.oneof({ arbitrary: fc.constant(''), weight: 3 }, { arbitrary: paramToken, weight: 1 }),
      )
      .map((parts) => parts.join(' '));
    fc.assert(
      fc.property(fc.oneof(phrase, { arbitrary: targeted, weight: 2 }), (text) => {
        const r = parse(text);
        checkShape(r);
        if (r.ok) checkedValues += valuesToCheck(r.args).length;
      }),
      { numRuns: 3500 },
    );
    // The generators must reach the parsers' success paths, or the value check is idle.
    expect(checkedValues).toBeGreaterThan(200);
  });
});
