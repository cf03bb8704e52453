import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ParameterSpec, StageSpec } from '../catalog/catalog-schema';
import { expandTemplates, readYamlFile } from './expand-templates';

/** What the service reads from a pipeline's YAML before it queues a run. */
export interface PipelineYaml {
  /** Runtime `parameters:` (the only template parameters a run may pass). */
  parameters: ParameterSpec[];
  /** Stages in order, each with its deployment environment and its steps' display names. */
  stages: StageSpec[];
  /** Cron expressions of `schedules:`. */
  schedules: string[];
  /** Repository resources with a `trigger:` (CI on another repository). */
  repositoryTriggers: { name: string; branches: string[] }[];
  /** The raw text, for `finalYaml` and for build-tag conventions (`##vso[build.addbuildtag]`). */
  text: string;
}

const TYPES = new Set(['string', 'number', 'boolean']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v)
    ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)
    : [];
}

function parameterOf(p: Record<string, unknown>, file: string): ParameterSpec {
  const name = str(p.name);
  if (!name) throw new Error(`${file}: a parameter has no name`);
  const type = str(p.type) ?? 'string';
  // object/stepList/... exist in YAML but a chat run can only pass scalars.
  if (!TYPES.has(type)) throw new Error(`${file}: parameter ${name} has unsupported type ${type}`);
  const spec: ParameterSpec = {
    name,
    type: type as ParameterSpec['type'],
    description: str(p.displayName) ?? '',
  };
  const d = p.default;
  if (typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean') spec.default = d;
  if (Array.isArray(p.values)) spec.values = p.values.map((v) => String(v as string));
  return spec;
}

function environmentOf(job: Record<string, unknown>): string | undefined {
  const env = job.environment;
  if (typeof env === 'string') return env.split('.')[0];
  return str((env as Record<string, unknown> | undefined)?.name)?.split('.')[0];
}

function stepsOf(job: Record<string, unknown>): Record<string, unknown>[] {
  if (job.deployment !== undefined) {
    const runOnce = (job.strategy as Record<string, Record<string, Record<string, unknown>>>)
      ?.runOnce;
    return records(runOnce?.deploy?.steps);
  }
  return records(job.steps);
}

/**
 * Loads `yamlPath` (relative to `root`, the Devops-MLops checkout) with its templates expanded.
 * @example loadPipelineYaml('pipelines', 'prod-deployment.yml').stages[1]?.environment === 'prod'
 */
export function loadPipelineYaml(root: string, yamlPath: string): PipelineYaml {
  const file = join(root, yamlPath);
  const doc = readYamlFile(file);
  const parameters = records(doc.parameters).map((p) => parameterOf(p, file));
  const expanded = expandTemplates(doc.stages ?? [], dirname(file), {});
  const stages: StageSpec[] = records(expanded).map((s) => {
    const name = str(s.stage);
    if (!name) throw new Error(`${file}: a stage has no name`);
    const jobs = records(s.jobs);
    const environment = jobs.map(environmentOf).find((e) => e !== undefined);
    const tasks = jobs.flatMap((j) => stepsOf(j).flatMap((st) => str(st.displayName) ?? []));
    const stage: StageSpec = { name, tasks };
    const displayName = str(s.displayName);
    if (displayName) stage.displayName = displayName;
    if (environment) stage.environment = environment;
    return stage;
  });
  if (stages.length === 0) throw new Error(`${file}: no stages`);
  const repos = records((doc.resources as Record<string, unknown> | undefined)?.repositories);
  return {
    parameters,
    stages,
    schedules: records(doc.schedules).flatMap((s) => str(s.cron) ?? []),
    repositoryTriggers: repos
      .filter((r) => r.trigger !== undefined && r.trigger !== 'none')
      .map((r) => ({
        name: str(r.name) ?? str(r.repository) ?? '',
        branches: (
          ((r.trigger as Record<string, Record<string, unknown>>)?.branches?.include ??
            []) as unknown[]
        ).map(String),
      })),
    text: readFileSync(file, 'utf8'),
  };
}
