import type { PipelineSpec } from '../catalog/catalog-schema';
import type { AdoTransport } from '../devops/ado-transport';
import { classifyError } from '../devops/classify-error';
import { REQUEST_ID_PARAMETER } from '../devops/request-id';
import { describe, type DoctorCheck, type DoctorOptions, type Found } from './doctor-check';

/** Sample values for parameters without a default, so a preview can expand the YAML. */
function sampleValue(p: PipelineSpec['parameters'][number]): string {
  if (p.values?.[0]) return p.values[0];
  if (p.type === 'number') return String(p.min ?? 1);
  if (p.type === 'boolean') return 'false';
  return '1';
}

/**
 * A preview of a pipeline with the catalog's parameters and the request-id parameter: the YAML
 * declares what the bot sends.
 * @example checks.push(await previewCheck(t, opts, { spec, id: 12 }));
 */
export async function previewCheck(
  t: AdoTransport,
  opts: DoctorOptions,
  f: Found,
): Promise<DoctorCheck> {
  const check = `Preview ${f.spec.key}`;
  const templateParameters: Record<string, string> = {};
  for (const p of f.spec.parameters) {
    templateParameters[p.name] = p.default !== undefined ? String(p.default) : sampleValue(p);
  }
  const preview = (withId: boolean) =>
    t.call('preview', async () =>
      (await t.pipelines()).preview(
        {
          previewRun: true,
          templateParameters: withId
            ? { ...templateParameters, [REQUEST_ID_PARAMETER]: 'doctor' }
            : templateParameters,
        },
        opts.project,
        f.id,
      ),
    );
  try {
    await preview(true);
    return {
      check,
      ok: true,
      detail: 'the YAML accepts the catalog parameters and chatopsRequestId',
    };
  } catch (err) {
    const message = describe(err);
    const status = classifyError(err).status;
    if (status === 401 || status === 403) {
      return {
        check,
        ok: false,
        detail: `not allowed to preview or queue: ${message}`,
        fix: `Give the PAT Build (Read & execute) and the bot identity "Queue builds" on ${f.spec.name}.`,
      };
    }
    if (message.includes(`Unexpected parameter '${REQUEST_ID_PARAMETER}'`)) {
      const rest = await preview(false).then(
        () => '',
        (e: unknown) => `; also: ${describe(e)}`,
      );
      return {
        check,
        ok: false,
        detail: `${f.spec.yamlPath} does not declare ${REQUEST_ID_PARAMETER}: runs queue without duplicate protection${rest}`,
        fix: `Add to its parameters: "- name: ${REQUEST_ID_PARAMETER}, type: string, default: ''" (as in pipelines/${f.spec.yamlPath.replace(/^pipelines\//, '')}).`,
      };
    }
    return {
      check,
      ok: false,
      detail: message,
      fix: `Make ${f.spec.yamlPath} declare the catalog's parameters (${f.spec.parameters.map((p) => `${p.name}: ${p.type}`).join(', ') || 'none'}) as the copy in pipelines/ does.`,
    };
  }
}
