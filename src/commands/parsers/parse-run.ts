import type { Catalog, PipelineSpec } from '../../catalog/catalog-schema';
import type { ParseResult } from '../command-spec';
import { fail, parseParameters, parsePipeline } from '../parse-words';
import { parseRef } from './parse-ref';

export interface RunArgs {
  pipelineKey: string;
  branch?: string;
  parameters: Record<string, string>;
}

const BRANCH_WORDS = new Set(['on', 'branch', 'from', 'ref']);

/** `[on <branch>] [name=value ...]` for a known pipeline. */
export function parseRunOptions(
  words: readonly string[],
  pipeline: PipelineSpec,
): ParseResult<RunArgs> {
  let branch: string | undefined;
  const paramWords: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (BRANCH_WORDS.has(w.toLowerCase())) {
      const b = parseRef(words[++i], pipeline);
      if (!b.ok) return b;
      if (branch !== undefined) return fail('Two branches given; pick one.');
      branch = b.args;
    } else {
      paramWords.push(w);
    }
  }
  const parameters = parseParameters(paramWords, pipeline);
  if (!parameters.ok) return parameters;
  return { ok: true, args: { pipelineKey: pipeline.key, branch, parameters: parameters.args } };
}

/** `run <pipeline> [on <branch>] [name=value ...]`. */
export function parseRun(words: readonly string[], catalog: Catalog): ParseResult<RunArgs> {
  const pipeline = parsePipeline(words[0], catalog);
  if (!pipeline.ok) return pipeline;
  return parseRunOptions(words.slice(1), pipeline.args);
}
