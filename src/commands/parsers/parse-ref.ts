import type { PipelineSpec } from '../../catalog/catalog-schema';
import { clip } from '../clip';
import type { ParseResult } from '../command-spec';
import { fail, parseBranch } from '../parse-words';

/** What a pipeline may run from when its catalog entry says nothing: any branch. */
export const DEFAULT_ALLOWED_REFS: readonly string[] = ['refs/heads/**'];

const KINDS: Record<string, string> = {
  'refs/heads/**': 'any branch',
  'refs/tags/**': 'any tag',
};

/** A ref glob as a RegExp: `**` any characters, `*` any characters but `/`. */
function globToRegExp(glob: string): RegExp {
  const source = glob
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${source}$`);
}

function describe(allowed: readonly string[]): string {
  return allowed.map((p) => KINDS[p] ?? `\`${p}\``).join(', ');
}

/**
 * The ref a run may start from: a branch name (`develop`, `refs/heads/feature/x`) or, where the
 * pipeline's `allowedRefs` say so, another full ref such as `refs/tags/v1.2`. Pull-request merge
 * refs, tags, `HEAD` and anything else the catalog does not list are refused with what is
 * allowed: a deploy must come from a reviewed branch, not from whatever a ref points at.
 * Branches come back as names (no `refs/heads/`), other refs in full.
 * @example parseRef('refs/pull/1/merge', pipeline) // { ok: false, error: … 'any branch' … }
 */
export function parseRef(
  word: string | undefined,
  pipeline: Pick<PipelineSpec, 'key' | 'allowedRefs'>,
): ParseResult<string> {
  const syntax = parseBranch(word);
  if (!syntax.ok) return syntax;
  const given = syntax.args;
  const full = given.startsWith('refs/') ? given : `refs/heads/${given}`;
  const allowed = pipeline.allowedRefs ?? DEFAULT_ALLOWED_REFS;
  const name = full.split('/').slice(2).join('/');
  if (/^head$/i.test(given) || /^head$/i.test(name) || name === '') {
    return fail(
      `\`${clip(given)}\` is not a branch. \`${pipeline.key}\` runs from ${describe(allowed)}; name one, e.g. \`develop\` or \`feature/new-model\`.`,
    );
  }
  if (!allowed.some((glob) => globToRegExp(glob).test(full))) {
    return fail(
      `\`${clip(given, 60)}\` is not a ref \`${pipeline.key}\` may run from: it runs from ${describe(allowed)}. Name a branch, e.g. \`develop\` or \`feature/new-model\`.`,
    );
  }
  return { ok: true, args: full.startsWith('refs/heads/') ? name : full };
}
