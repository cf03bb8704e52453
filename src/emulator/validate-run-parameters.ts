import type { PipelineSpec } from '../catalog/catalog-schema';

/**
 * Checks queue-time template parameters against the catalog the way Azure DevOps checks runtime
 * `parameters:` (unknown names, type, allowed values, min/max), plus the catalog's own `pattern`.
 * Returns the error lines; empty when the parameters are valid.
 * @example validateRunParameters(spec, { modelVersion: 'abc' }) // ["The 'modelVersion' parameter value 'abc' ..."]
 */
export function validateRunParameters(spec: PipelineSpec, given: Record<string, string>): string[] {
  const errors: string[] = [];
  for (const name of Object.keys(given)) {
    if (!spec.parameters.some((p) => p.name === name))
      errors.push(`Unexpected parameter '${name}'`);
  }
  for (const p of spec.parameters) {
    const raw = given[p.name];
    if (raw === undefined) {
      if (p.required || (p.default === undefined && p.required !== false)) {
        errors.push(`A value for the '${p.name}' parameter must be provided.`);
      }
      continue;
    }
    if (p.type === 'number') {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(n)) {
        errors.push(`The '${p.name}' parameter is not a valid Number.`);
        continue;
      }
      if (p.min !== undefined && n < p.min) {
        errors.push(
          `The '${p.name}' parameter value '${raw}' is less than the minimum allowed value ${p.min}.`,
        );
      }
      if (p.max !== undefined && n > p.max) {
        errors.push(
          `The '${p.name}' parameter value '${raw}' is greater than the maximum allowed value ${p.max}.`,
        );
      }
    } else if (p.type === 'boolean') {
      if (!/^(true|false)$/i.test(raw))
        errors.push(`The '${p.name}' parameter is not a valid Boolean.`);
    }
    if (p.values && !p.values.includes(raw)) {
      errors.push(`The '${p.name}' parameter value '${raw}' is not a valid value.`);
    }
    if (p.pattern && !new RegExp(p.pattern).test(raw)) {
      errors.push(
        `The '${p.name}' parameter value '${raw}' does not match the required pattern '${p.pattern}'.`,
      );
    }
  }
  return errors;
}

/** The message Azure DevOps wraps YAML/parameter errors in. */
export function pipelineValidationMessage(spec: PipelineSpec, errors: string[]): string {
  const file = spec.yamlPath.startsWith('/') ? spec.yamlPath : `/${spec.yamlPath}`;
  return `Encountered error(s) while parsing pipeline YAML:\n${errors.map((e) => `${file}: ${e}`).join('\n')}`;
}
