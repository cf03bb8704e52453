import { catalogIndex } from '../../catalog/catalog-index';
import type { Catalog } from '../../catalog/catalog-schema';
import { clip } from '../clip';
import type { ParseResult } from '../command-spec';
import { didYouMean } from '../../text/did-you-mean';
import { parseRef } from './parse-ref';
import {
  fail,
  parseBranch,
  parseEnvironment,
  parseModelVersion,
  parseParameters,
} from '../parse-words';

export interface DeployArgs {
  /** Catalog environment key. */
  environment: string;
  /** Model version digits; absent = the latest registered one. */
  model?: string;
  /**
   * Branch name (without refs/heads/), or a full ref the pipeline's `allowedRefs` permit;
   * absent = the pipeline's default branch.
   */
  branch?: string;
  dryRun: boolean;
  /** Other `name=value` template parameters, validated against the catalog. */
  parameters: Record<string, string>;
}

const KEYWORDS = ['model', 'version', 'to', 'branch', 'from', 'on', 'dry-run', 'preview'];
const MODEL_WORDS = new Set(['model', 'version', 'model-version']);
const ENV_WORDS = new Set(['to', 'into', 'in', 'env', 'environment']);
const BRANCH_WORDS = new Set(['branch', 'from', 'on', 'ref']);
const DRY_RUN_WORDS = new Set(['dry-run', 'dryrun', '--dry-run', 'preview', '--preview']);

/**
 * `deploy <env> [model vN] [branch <ref>] [dry-run]`, in the orders people type it:
 * `deploy model v3 to prod`, `deploy prod v3`, `deploy custom-qa model 3 from feature/x`.
 */
export function parseDeploy(words: readonly string[], catalog: Catalog): ParseResult<DeployArgs> {
  let environment: string | undefined;
  let model: string | undefined;
  let branch: string | undefined;
  let branchWord: string | undefined;
  let dryRun = false;
  const paramWords: string[] = [];

  for (let i = 0; i < words.length; i++) {
    const raw = words[i]!;
    const w = raw.toLowerCase();
    if (MODEL_WORDS.has(w) || /^v?\d+$/.test(w)) {
      let versionWord = w;
      if (MODEL_WORDS.has(w)) {
        i++;
        if (words[i]?.toLowerCase() === 'version') i++;
        versionWord = words[i] ?? '';
        if (!versionWord) return fail('`model` needs a version after it, e.g. `model v3`.');
      }
      const v = parseModelVersion(versionWord);
      if (!v.ok) return v;
      if (model !== undefined && model !== v.args)
        return fail(`Two model versions given (v${model} and v${v.args}); pick one.`);
      model = v.args;
    } else if (ENV_WORDS.has(w)) {
      const env = parseEnvironment(words[++i], catalog);
      if (!env.ok) return env;
      const set = setEnvironment(env.args.key);
      if (!set.ok) return set;
    } else if (BRANCH_WORDS.has(w)) {
      // The syntax now (so the error names the first bad word); the catalog's refs below.
      const b = parseBranch(words[++i]);
      if (!b.ok) return b;
      if (branch !== undefined) return fail('Two branches given; pick one.');
      branch = b.args;
      branchWord = words[i];
    } else if (
      DRY_RUN_WORDS.has(w) ||
      (w === 'dry' && words[i + 1]?.toLowerCase() === 'run' && ++i)
    ) {
      dryRun = true;
    } else if (w.includes('=')) {
      paramWords.push(raw);
    } else if (catalogIndex(catalog).environment(w)) {
      const set = setEnvironment(catalogIndex(catalog).requireEnvironment(w).key);
      if (!set.ok) return set;
    } else if (environment === undefined) {
      const env = parseEnvironment(w, catalog);
      if (!env.ok) return env;
    } else {
      return fail(
        `I don't know what \`${clip(raw)}\` means in a deploy. I understand: an environment, \`model vN\`, \`branch <name>\`, \`dry-run\`.`,
        didYouMean(w, KEYWORDS),
      );
    }
  }
  if (environment === undefined) return parseEnvironment(undefined, catalog) as ParseResult<never>;
  const index = catalogIndex(catalog);
  const pipeline = index.pipelineOf(environment);
  if (branchWord !== undefined) {
    const ref = parseRef(branchWord, pipeline);
    if (!ref.ok) return ref;
    branch = ref.args;
  }
  const parameters = parseParameters(paramWords, pipeline);
  if (!parameters.ok) return parameters;
  const modelParam = index.modelParameter;
  if (parameters.args[modelParam] !== undefined) {
    if (model !== undefined && model !== parameters.args[modelParam])
      return fail('Two model versions given; pick one.');
    model = parameters.args[modelParam];
    delete parameters.args[modelParam];
  }
  return { ok: true, args: { environment, model, branch, dryRun, parameters: parameters.args } };

  function setEnvironment(key: string): ParseResult<true> {
    if (environment !== undefined && environment !== key) {
      return fail(
        `Two environments given (\`${environment}\` and \`${key}\`); deploy to one at a time.`,
      );
    }
    environment = key;
    return { ok: true, args: true };
  }
}
