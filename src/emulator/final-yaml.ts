import { stringify } from 'yaml';
import type { Catalog } from '../catalog/catalog-schema';
import type { Definition } from './model';
import type { ParsedRunRequest } from './parse-run-request';

/**
 * The expanded YAML a preview run returns: parameters resolved (given value or default), skipped
 * stages left out, deployment jobs for stages that target an environment.
 * @example finalYaml(catalog, def, parsed).includes('stage: Deploy_Prod')
 */
export function finalYaml(catalog: Catalog, def: Definition, req: ParsedRunRequest): string {
  if (req.yamlOverride) return req.yamlOverride;
  const params: Record<string, string> = {};
  for (const p of def.spec.parameters) {
    const v =
      req.templateParameters[p.name] ?? (p.default !== undefined ? String(p.default) : undefined);
    if (v !== undefined) params[p.name] = v;
  }
  const env = Object.fromEntries(Object.entries(params).map(([k, v]) => [k.toUpperCase(), v]));
  const steps = (tasks: string[]) =>
    tasks.map((t) => ({
      script: `echo "${t.replace(/"/g, "'")}"`,
      displayName: t,
      ...(Object.keys(env).length ? { env } : {}),
    }));
  const stages = def.spec.stages
    .filter((s) => !req.stagesToSkip.includes(s.name))
    .map((s) => {
      const environment = s.environment
        ? catalog.environments.find((e) => e.key === s.environment)
        : undefined;
      const job = environment
        ? {
            deployment: 'Deploy',
            environment: { name: environment.key },
            pool: { vmImage: 'ubuntu-latest' },
            strategy: { runOnce: { deploy: { steps: steps(s.tasks) } } },
          }
        : { job: 'Job', pool: { vmImage: 'ubuntu-latest' }, steps: steps(s.tasks) };
      return { stage: s.name, displayName: s.displayName ?? s.name, jobs: [job] };
    });
  const doc = {
    trigger: 'none',
    resources: { repositories: [{ repository: 'self', ref: req.sourceBranch }] },
    variables: Object.entries(req.variables).map(([name, v]) => ({
      name,
      value: v.isSecret ? '***' : v.value,
    })),
    stages,
  };
  return `# ${def.name} (${def.spec.yamlPath}), expanded\n${stringify(doc)}`;
}
