import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { CodedError } from '../errors/coded-error';
import { catalogSchema, type Catalog } from './catalog-schema';

/**
 * A catalog that could not be read; the message names the file, line and key, and what is
 * allowed. Its code predates the camelCase rule and stays: operators' scripts may match it.
 * @example throw new CatalogError('config/digitre.yaml:3 pipelines.0.key: Required');
 */
export class CatalogError extends CodedError<'CATALOG_INVALID'> {
  constructor(message: string) {
    super('CATALOG_INVALID', message);
  }
}

/**
 * Parses and validates a catalog's YAML text.
 * @example parseCatalog(readFileSync('config/digitre.yaml', 'utf8'), 'config/digitre.yaml')
 */
export function parseCatalog(text: string, source = 'catalog'): Catalog {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new CatalogError(
      `${source}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`,
    );
  }
  const result = catalogSchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const lines = result.error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const line = lineOf(doc.contents as Node | null, path, lineCounter);
    const where = path.length > 0 ? path.join('.') : '(top level)';
    return `${source}${line ? `:${line}` : ''} ${where}: ${issue.message}`;
  });
  throw new CatalogError(`invalid catalog:\n  ${lines.join('\n  ')}`);
}

/** Reads a catalog file; errors name the file. */
export function loadCatalog(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CatalogError(`cannot read catalog ${path}: ${(err as Error).message}`);
  }
  return parseCatalog(text, path);
}

/** The line of the deepest node that exists along `path` (a missing key points at its parent). */
function lineOf(
  root: Node | null,
  path: (string | number)[],
  counter: LineCounter,
): number | undefined {
  let node: Node | null | undefined = root;
  let line = node?.range ? counter.linePos(node.range[0]).line : undefined;
  for (const step of path) {
    let next: unknown;
    if (isMap(node)) next = node.get(step, true);
    else if (isSeq(node) && typeof step === 'number') next = node.get(step, true);
    if (!next || typeof next !== 'object' || !('range' in next)) break;
    node = next as Node;
    if (node.range) line = counter.linePos(node.range[0]).line;
  }
  return line;
}
