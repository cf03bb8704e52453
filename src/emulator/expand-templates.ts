import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

type Yaml = unknown;

const WHOLE = /^\s*\$\{\{\s*parameters(?:\.([A-Za-z_][A-Za-z0-9_]*)|\['([^']+)'\])\s*\}\}\s*$/;
const INLINE = /\$\{\{\s*parameters(?:\.([A-Za-z_][A-Za-z0-9_]*)|\['([^']+)'\])\s*\}\}/g;

/** Reads one YAML file; a clear error names the file. */
export function readYamlFile(path: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new Error(`${path}: expected a YAML mapping at the top level`);
  }
  return doc as Record<string, unknown>;
}

/** Defaults of a template's `parameters:` list, overlaid by what the caller passed. */
function templateParameters(doc: Record<string, unknown>, given: Record<string, Yaml>) {
  const out: Record<string, Yaml> = {};
  const declared = Array.isArray(doc.parameters) ? doc.parameters : [];
  for (const p of declared as Record<string, unknown>[]) {
    if (typeof p?.name === 'string' && p.default !== undefined) out[p.name] = p.default;
  }
  return { ...out, ...given };
}

/**
 * Substitutes `${{ parameters.x }}` (template parameters only; runtime parameters of the root file
 * stay as written) and inlines `- template:` references of stages, jobs and steps, relative to the
 * including file as Azure Pipelines resolves them. Enough of the template language for the
 * pipelines in `pipelines/` (no `${{ if }}` / `${{ each }}`): the emulator needs stage names,
 * environments and step display names, not a full expansion.
 * @example expandTemplates(readYamlFile('pipelines/qa-deploy.yml'), 'pipelines', {})
 */
export function expandTemplates(node: Yaml, baseDir: string, params: Record<string, Yaml>): Yaml {
  if (typeof node === 'string') {
    const whole = WHOLE.exec(node);
    if (whole) {
      const name = whole[1] ?? whole[2] ?? '';
      return name in params ? params[name] : node;
    }
    return node.replace(INLINE, (m, a?: string, b?: string) => {
      const name = a ?? b ?? '';
      const v = params[name];
      return v === undefined || typeof v === 'object' ? m : String(v as string | number | boolean);
    });
  }
  if (Array.isArray(node)) {
    const out: Yaml[] = [];
    for (const item of node) {
      const ref = item as Record<string, unknown> | null;
      if (ref && typeof ref === 'object' && typeof ref.template === 'string') {
        out.push(...inline(ref, baseDir, params));
        continue;
      }
      const expanded = expandTemplates(item, baseDir, params);
      // `- ${{ parameters.steps }}` inserts a stepList/stageList parameter in place.
      if (typeof item === 'string' && Array.isArray(expanded)) out.push(...(expanded as Yaml[]));
      else out.push(expanded);
    }
    return out;
  }
  if (node && typeof node === 'object') {
    const out: Record<string, Yaml> = {};
    for (const [k, v] of Object.entries(node)) out[k] = expandTemplates(v, baseDir, params);
    return out;
  }
  return node;
}

function inline(ref: Record<string, unknown>, baseDir: string, params: Record<string, Yaml>) {
  const path = join(baseDir, String(ref.template).replace(/@self$/, ''));
  const doc = readYamlFile(path);
  // Parameter values are expanded where they are written (templates inside a stepList resolve
  // against the caller's folder).
  const given = expandTemplates(ref.parameters ?? {}, baseDir, params) as Record<string, Yaml>;
  const inner = templateParameters(doc, given);
  const body = doc.stages ?? doc.jobs ?? doc.steps ?? doc.variables ?? [];
  const expanded = expandTemplates(body, dirname(path), inner);
  return Array.isArray(expanded) ? (expanded as Yaml[]) : [];
}
