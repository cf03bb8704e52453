import { join } from 'node:path';
import { loadCatalog } from '../../../src/catalog/load-catalog';
import { createRegistry } from '../../../src/commands/create-registry';
import { parseCommand } from '../../../src/commands/parse-command';

/**
 * The command language as people type it, pinned phrasing by phrasing against the real catalog:
 * each row is either the command and its exact arguments, or the usage error (problem and
 * did-you-mean). A change in how anything below parses must be a deliberate change to this table.
 */

export const catalog = loadCatalog(join(__dirname, '../../../config/digitre.yaml'));
export const registry = createRegistry();
export const parse = (text: string) => parseCommand(text, registry, { catalog });

export type Parsed = { cmd: string; args: object };
export type Refused = { problem: RegExp; suggestions?: string[]; command?: string | null };
export type Case = [string, Parsed | Refused];

export const ok = (cmd: string, args: object): Parsed => ({ cmd, args });
export const bad = (
  problem: RegExp,
  suggestions: string[] = [],
  command?: string | null,
): Refused => ({
  problem,
  suggestions,
  command,
});
export const dep = (environment: string, extra: object = {}) =>
  ok('deploy', { environment, dryRun: false, parameters: {}, ...extra });
export const run = (cmd: string, pipelineKey: string, extra: object = {}) =>
  ok(cmd, { pipelineKey, parameters: {}, ...extra });
export const approve = (target: object, comment = '') => ok('approve', { target, comment });
export const reject = (target: object, comment = '') => ok('reject', { target, comment });
export const sub = (filter: object) =>
  ok('subscribe', { pipelines: [], environments: [], events: [], results: [], ...filter });
export const BAD_BRANCH = /is not a valid branch name/;
export const SAFE_CHARS = /must be 1–128 characters of letters, digits/;
export const ENVS = /Environments: `dev`, `qa`, `custom-qa`, `prod`/;
export const PIPES =
  /Pipelines: `extract-prepare`, `train`, `dev`, `dev-cleanup`, `qa`, `custom-qa`, `prod`/;
export const HELP = ok('help', {});
/** Only a greeting, or only thanks: a line back, not the help card. */
export const HI = ok('small-talk', { kind: 'greeting' });
export const TY = ok('small-talk', { kind: 'thanks' });
export const DASH = ok('status', { kind: 'dashboard' });
export const st = (pipelineKey: string) => ok('status', { kind: 'pipeline', pipelineKey });

/**
 * Checks one family's table: each row parses to its command and exact arguments, or is the
 * usage error it names (problem, did-you-mean, the command it recognised and its usage).
 * @example describePhrasings('deploy', DEPLOY_CASES)
 */
export function describePhrasings(family: string, cases: Case[]): void {
  describe(`parseCommand: ${family} phrasings`, () => {
    it.each(cases.filter((c): c is [string, Parsed] => 'cmd' in c[1]))(
      '%j parses',
      (text, { cmd, args }) => {
        const r = parse(text);
        if (!r.ok) throw new Error(`expected ${cmd}, got usage error: ${r.error.problem}`);
        expect(r.spec.name).toBe(cmd);
        expect(r.args).toEqual(args);
      },
    );

    it.each(cases.filter((c): c is [string, Refused] => 'problem' in c[1]))(
      '%j is a usage error',
      (text, expected) => {
        const r = parse(text);
        if (r.ok)
          throw new Error(`expected a usage error, got ${r.spec.name} ${JSON.stringify(r.args)}`);
        expect(r.error.problem).toMatch(expected.problem);
        if (expected.suggestions) expect(r.error.suggestions).toEqual(expected.suggestions);
        if (expected.command === null) expect(r.error.command).toBeUndefined();
        else if (expected.command) {
          expect(r.error.command).toBe(expected.command);
          // The usage card shows how to write the command it recognised.
          expect(r.error.usage).toBe(registry.find((s) => s.name === expected.command)!.usage);
        }
      },
    );
  });
}
