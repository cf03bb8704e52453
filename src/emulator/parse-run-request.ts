import type { Definition } from './model';
import { AdoHttpError } from './http-reply';
import { pipelineValidationMessage, validateRunParameters } from './validate-run-parameters';

/** A RunPipelineParameters body, checked against the pipeline's YAML. */
export interface ParsedRunRequest {
  templateParameters: Record<string, string>;
  variables: Record<string, { value: string; isSecret?: boolean }>;
  sourceBranch: string;
  stagesToSkip: string[];
  previewRun: boolean;
  yamlOverride?: string;
}

function invalid(message: string): AdoHttpError {
  return new AdoHttpError(400, 'PipelineValidationException', message, 'pipelines');
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(`${what} must be a JSON object.`);
  return v as Record<string, unknown>;
}

function scalar(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalid(`${what} must be a string, number or boolean.`);
}

/**
 * Reads a run body (`templateParameters`, `variables`, `resources.repositories.self.refName`,
 * `stagesToSkip`, `previewRun`, `yamlOverride`) and validates it; throws a 400
 * PipelineValidationException like the service does.
 * @example parseRunRequest(def, { templateParameters: { modelVersion: '3' } })
 */
export function parseRunRequest(
  def: Definition,
  body: unknown,
  settableVariables: readonly string[] = [],
): ParsedRunRequest {
  const b = obj(body, 'The request body');
  const templateParameters: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(b.templateParameters, 'templateParameters'))) {
    templateParameters[k] = scalar(v, `Template parameter '${k}'`);
  }
  const variables: Record<string, { value: string; isSecret?: boolean }> = {};
  for (const [k, v] of Object.entries(obj(b.variables, 'variables'))) {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      variables[k] = {
        value: o.value === undefined || o.value === null ? '' : scalar(o.value, `Variable '${k}'`),
      };
      if (o.isSecret === true) variables[k]!.isSecret = true;
    } else {
      variables[k] = { value: scalar(v, `Variable '${k}'`) };
    }
  }
  // Only variables an editor ticked "Settable at queue time" in the UI may be set (S6 sample).
  const unsettable = Object.keys(variables).filter((k) => !settableVariables.includes(k));
  if (unsettable.length > 0) {
    throw invalid(
      `You can't set the following variables (${unsettable.join(', ')}). If you want to be able to set these variables, then edit the pipeline and select Settable at queue time on the variables tab of the pipeline editor.`,
    );
  }
  const self = obj(
    obj(obj(b.resources, 'resources').repositories, 'resources.repositories').self,
    'resources.repositories.self',
  );
  let ref =
    self.refName === undefined || self.refName === null ? '' : scalar(self.refName, 'refName');
  if (ref === '') ref = def.spec.defaultBranch;
  const sourceBranch = ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
  let stagesToSkip: string[] = [];
  if (b.stagesToSkip !== undefined && b.stagesToSkip !== null) {
    if (!Array.isArray(b.stagesToSkip) || b.stagesToSkip.some((s) => typeof s !== 'string')) {
      throw invalid('stagesToSkip must be an array of stage names.');
    }
    stagesToSkip = b.stagesToSkip as string[];
    const unknown = stagesToSkip.filter((s) => !def.spec.stages.some((st) => st.name === s));
    if (unknown.length > 0) {
      throw invalid(
        pipelineValidationMessage(
          def.spec,
          unknown.map((s) => `Stage ${s} not found.`),
        ),
      );
    }
  }
  const errors = validateRunParameters(def.spec, templateParameters);
  if (errors.length > 0) throw invalid(pipelineValidationMessage(def.spec, errors));
  const parsed: ParsedRunRequest = {
    templateParameters,
    variables,
    sourceBranch,
    stagesToSkip,
    previewRun: b.previewRun === true || b.previewRun === 'true',
  };
  if (typeof b.yamlOverride === 'string' && b.yamlOverride.length > 0)
    parsed.yamlOverride = b.yamlOverride;
  return parsed;
}
