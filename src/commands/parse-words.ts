import type {
  Catalog,
  EnvironmentSpec,
  ParameterSpec,
  PipelineSpec,
} from '../catalog/catalog-schema';
import { catalogNames, findEnvironment, findPipeline } from '../catalog/find-in-catalog';
import type { ParseResult } from './command-spec';
import { didYouMean } from '../text/did-you-mean';
import { clip } from './clip';

/** Pieces the command parsers share: each turns one word into a value or a precise usage error. */

export function fail<A>(problem: string, suggestions: string[] = []): ParseResult<A> {
  return { ok: false, error: { problem, suggestions } };
}

function list(words: string[]): string {
  return words.map((w) => `\`${w}\``).join(', ');
}

/** An environment by key or alias, or an error listing what exists and the closest names. */
export function parseEnvironment(
  word: string | undefined,
  catalog: Catalog,
): ParseResult<EnvironmentSpec> {
  const keys = catalog.environments.map((e) => e.key);
  if (!word) return fail(`Which environment? One of ${list(keys)}.`);
  const env = findEnvironment(catalog, word);
  if (env) return { ok: true, args: env };
  const close = didYouMean(word, catalogNames(catalog).environments).map(
    (n) => findEnvironment(catalog, n)!.key,
  );
  return fail(`There is no environment \`${clip(word)}\`. Environments: ${list(keys)}.`, [
    ...new Set(close),
  ]);
}

/** A pipeline by key or alias, or an error listing what exists and the closest names. */
export function parsePipeline(
  word: string | undefined,
  catalog: Catalog,
): ParseResult<PipelineSpec> {
  const keys = catalog.pipelines.map((p) => p.key);
  if (!word) return fail(`Which pipeline? One of ${list(keys)}.`);
  const pipeline =
    findPipeline(catalog, word) ??
    pipelineOfEnvironment(word, catalog) ??
    pipelineByName(word, catalog);
  if (pipeline) return { ok: true, args: pipeline };
  const names = catalogNames(catalog);
  const close = didYouMean(word, [...names.pipelines, ...names.environments]).map(
    (n) => (findPipeline(catalog, n) ?? pipelineOfEnvironment(n, catalog))!.key,
  );
  return fail(`There is no pipeline \`${clip(word)}\`. Pipelines: ${list(keys)}.`, [
    ...new Set(close),
  ]);
}

/** The team's own name for it, as Azure DevOps shows it: `[ML]-Train-Evaluate-Register`. */
function pipelineByName(word: string, catalog: Catalog): PipelineSpec | undefined {
  const w = word.toLowerCase();
  return catalog.pipelines.find((p) => p.name.toLowerCase() === w);
}

function pipelineOfEnvironment(word: string, catalog: Catalog): PipelineSpec | undefined {
  const env = findEnvironment(catalog, word);
  return env && catalog.pipelines.find((p) => p.key === env.pipeline);
}

/** A run id: `1234` or `#1234`. */
export function parseRunId(word: string | undefined): ParseResult<number> {
  if (!word) return fail('Which run? Give its id, e.g. `1234` (see `runs`).');
  const m = /^#?(\d{1,9})$/.exec(word);
  if (!m || Number(m[1]) === 0)
    return fail(`\`${clip(word)}\` is not a run id; run ids are numbers like \`1234\`.`);
  return { ok: true, args: Number(m[1]) };
}

/**
 * True when a word looks like a run id rather than a name. Deliberately loose (`0`, 12 digits):
 * `parseRunId` then says what is wrong with it, instead of "there is no environment `0`".
 */
export function isRunId(word: string): boolean {
  return /^#?\d+$/.test(word);
}

/** Model versions: `v3`, `3`, `V3`. */
export function parseModelVersion(word: string | undefined): ParseResult<string> {
  const m = word ? /^v?(\d{1,6})$/i.exec(word) : null;
  if (!m) {
    return fail(
      `\`${clip(word ?? '')}\` is not a model version; write it like \`v3\` or \`3\` (see \`models\`).`,
    );
  }
  return { ok: true, args: String(Number(m[1])) };
}

/**
 * A git branch or ref, checked against git's ref-name rules and kept to characters that are safe
 * in YAML and URLs. `feature/x` and `refs/heads/feature/x` are both accepted.
 */
export function parseBranch(word: string | undefined): ParseResult<string> {
  if (!word) return fail('Which branch? e.g. `develop` or `feature/new-model`.');
  const name = word.replace(/^refs\/heads\//, '');
  const valid =
    name.length <= 200 &&
    /^[A-Za-z0-9._/-]+$/.test(name) &&
    !name.startsWith('-') &&
    !name.startsWith('/') &&
    !name.endsWith('/') &&
    !name.endsWith('.') &&
    !name.endsWith('.lock') &&
    !name.includes('..') &&
    !name.includes('//') &&
    !name.split('/').some((part) => part.startsWith('.'));
  if (!valid) {
    return fail(
      `\`${clip(word)}\` is not a valid branch name. Use letters, digits, \`.\`, \`_\`, \`-\` and \`/\`, e.g. \`feature/new-model\`.`,
    );
  }
  return { ok: true, args: name };
}

/** A duration like `30m`, `2h`, `1d` (for lock expiry). */
export function parseDuration(word: string | undefined): ParseResult<number> {
  const m = word ? /^(\d{1,4})(m|min|h|d)$/i.exec(word) : null;
  if (!m)
    return fail(`\`${clip(word ?? '')}\` is not a duration; write e.g. \`30m\`, \`2h\` or \`1d\`.`);
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  const ms = n * (unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : 60_000);
  if (ms < 60_000 || ms > 30 * 86_400_000)
    return fail('A lock lasts between 1 minute and 30 days.');
  return { ok: true, args: ms };
}

/** Values people may pass as parameters: nothing that could inject into YAML, URLs or markdown. */
const SAFE_VALUE = /^[A-Za-z0-9._:/@+-]{1,128}$/;

/**
 * `key=value` pairs validated against the pipeline's catalog parameters (name, type, pattern,
 * allowed values, range). Unknown names get a did-you-mean.
 */
export function parseParameters(
  words: readonly string[],
  pipeline: PipelineSpec,
): ParseResult<Record<string, string>> {
  const params: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) {
      return fail(`\`${clip(word)}\` is not a parameter; write parameters as \`name=value\`.`);
    }
    const name = word.slice(0, eq);
    const value = word.slice(eq + 1);
    const spec = pipeline.parameters.find((p) => p.name.toLowerCase() === name.toLowerCase());
    if (!spec) {
      const known = pipeline.parameters.map((p) => p.name);
      const close = didYouMean(
        name.toLowerCase(),
        known.map((k) => k.toLowerCase()),
      ).map((c) => known.find((k) => k.toLowerCase() === c)!);
      const allowed = known.length > 0 ? `It takes ${list(known)}.` : 'It takes no parameters.';
      return fail(`${pipeline.name} has no parameter \`${clip(name)}\`. ${allowed}`, close);
    }
    if (spec.name in params) return fail(`\`${spec.name}\` is given twice.`);
    const checked = checkParameterValue(spec, value);
    if (!checked.ok) return checked;
    params[spec.name] = checked.args;
  }
  return { ok: true, args: params };
}

/** One parameter value against its catalog spec; returns the value as Azure DevOps should get it. */
export function checkParameterValue(spec: ParameterSpec, value: string): ParseResult<string> {
  if (!SAFE_VALUE.test(value)) {
    return fail(
      `\`${spec.name}\` must be 1–128 characters of letters, digits and \`. _ : / @ + -\`; \`${clip(value)}\` is not.`,
    );
  }
  if (spec.type === 'number') {
    // Plain decimals only: Number() alone would turn `0x10` into 16 and `1e2` into 100.
    const n = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(n))
      return fail(`\`${spec.name}\` must be a number; \`${clip(value)}\` is not.`);
    if (spec.min !== undefined && n < spec.min)
      return fail(`\`${spec.name}\` must be at least ${spec.min}.`);
    if (spec.max !== undefined && n > spec.max)
      return fail(`\`${spec.name}\` must be at most ${spec.max}.`);
    return { ok: true, args: String(n) };
  }
  if (spec.type === 'boolean') {
    const v = value.toLowerCase();
    if (v !== 'true' && v !== 'false')
      return fail(`\`${spec.name}\` must be \`true\` or \`false\`.`);
    return { ok: true, args: v };
  }
  if (spec.values && !spec.values.includes(value)) {
    return fail(
      `\`${spec.name}\` must be one of ${list(spec.values)}.`,
      didYouMean(value, spec.values),
    );
  }
  if (spec.pattern && !new RegExp(spec.pattern).test(value)) {
    const what = spec.description ? ` (${spec.description})` : '';
    return fail(
      `\`${clip(value)}\` is not a valid \`${spec.name}\`${what}; it must match \`${spec.pattern}\`.`,
    );
  }
  return { ok: true, args: value };
}

/** Free text (comments, reasons) from the remaining words, bounded and without markup. */
export function freeText(words: readonly string[], max = 500): ParseResult<string> {
  const text = words.join(' ').trim();
  if (text.length > max)
    return fail(`That text is ${text.length} characters; keep it under ${max}.`);
  return { ok: true, args: text.replace(/[<>]/g, '') };
}

/** A parser for commands that take no arguments. */
export function noArgs<A>(name: string, value: A) {
  return (words: readonly string[]): ParseResult<A> =>
    words.length === 0 ? { ok: true, args: value } : fail(`\`${name}\` takes no arguments.`);
}
