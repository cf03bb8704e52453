import { z } from 'zod';

/** Chat keys are what people type: lower-case words joined by dashes. */
const key = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,39}$/,
    'must be lower-case letters, digits and dashes (e.g. custom-qa)',
  );

/**
 * Who may act: an email/UPN, an Entra object id (GUID), or `channel:<Teams channel id>`.
 * @example "alex.wilber@digitre.example"
 */
const principal = z
  .string()
  .min(3)
  .refine(
    (s) =>
      /^[^\s@]+@[^\s@]+$/.test(s) ||
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) ||
      /^channel:\S+$/.test(s),
    'must be an email/UPN, an Entra object id (GUID) or channel:<Teams channel id>',
  );

const principals = z.array(principal).default([]);

const parameterSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a YAML parameter identifier'),
    type: z.enum(['string', 'number', 'boolean']).default('string'),
    description: z.string().default(''),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    pattern: z
      .string()
      .refine((p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      }, 'must be a valid regular expression')
      .optional(),
    values: z.array(z.string()).min(1).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    required: z.boolean().optional(),
  })
  .strict();

const stageSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, 'must be a YAML stage identifier'),
    displayName: z.string().optional(),
    environment: key.optional(),
    tasks: z.array(z.string().min(1)).min(1),
  })
  .strict();

const pipelineSchema = z
  .object({
    key,
    name: z.string().min(1),
    aliases: z.array(key).default([]),
    description: z.string().min(1),
    repository: z.string().min(1),
    yamlPath: z.string().min(1),
    defaultBranch: z.string().min(1).default('main'),
    /**
     * Refs a run may start from, as globs (`*` within a path segment, `**` across): default any
     * branch (`refs/heads/**`). Add e.g. `refs/tags/v*` to deploy tags; PR merge refs stay out.
     */
    allowedRefs: z
      .array(
        z.string().regex(/^refs\/[A-Za-z0-9._*-]+(\/[A-Za-z0-9._*-]+)*$/, {
          message: 'must be a ref glob such as refs/heads/** or refs/tags/v*',
        }),
      )
      .min(1)
      .optional(),
    environment: key.optional(),
    registersModel: z.boolean().default(false),
    triggers: z.array(z.string().min(1)).min(1),
    parameters: z.array(parameterSchema).default([]),
    stages: z.array(stageSchema).min(1),
    /** Overrides roles.runners (non-deploy pipelines) or the environment's deployers. */
    runners: z.array(principal).optional(),
  })
  .strict();

const approvalSchema = z
  .object({
    approvers: principals,
    minRequiredApprovers: z.number().int().min(1).default(1),
    noSelfApproval: z.boolean().default(false),
    instructions: z.string().default(''),
    timeoutMinutes: z.number().int().min(1).default(1440),
  })
  .strict();

const environmentSchema = z
  .object({
    key,
    displayName: z.string().min(1),
    aliases: z.array(key).default([]),
    pipeline: key,
    deployers: principals,
    confirm: z.boolean().default(false),
    ttlHours: z.number().positive().optional(),
    cleanupPipeline: key.optional(),
    approval: approvalSchema.optional(),
    /**
     * With a sign-in connection (`CHATOPS_OAUTH_CONNECTION`), which actions here run with the
     * person's own Azure DevOps identity. Approvals always do; deploys only where this says so.
     */
    actAsUser: z
      .object({ deploy: z.boolean().default(false) })
      .strict()
      .optional(),
  })
  .strict();

export const catalogSchema = z
  .object({
    version: z.literal(1),
    project: z.string().min(1),
    repositories: z
      .array(z.object({ name: z.string().min(1), description: z.string().default('') }).strict())
      .default([]),
    roles: z
      .object({ admins: principals, runners: principals })
      .strict()
      .default({ admins: [], runners: [] }),
    models: z
      .object({
        pipeline: key,
        tagPrefix: z.string().min(1).default('model-version:'),
        parameter: z.string().min(1).default('modelVersion'),
      })
      .strict()
      .optional(),
    environments: z.array(environmentSchema).default([]),
    pipelines: z.array(pipelineSchema).min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Every name a person can type must lead to one pipeline. An environment may share a name
    // with its own pipeline (`prod` is both), since both lead to the same place.
    const target = new Map<string, string>();
    const claim = (name: string, pipeline: string, path: (string | number)[]) => {
      const prev = target.get(name);
      if (prev !== undefined && prev !== pipeline) {
        ctx.addIssue({ code: 'custom', path, message: `"${name}" already names pipeline ${prev}` });
      }
      target.set(name, pipeline);
    };
    const pipelineKeys = new Set(c.pipelines.map((p) => p.key));
    const undeclared = (
      what: 'pipeline' | 'environment',
      name: string,
      path: (string | number)[],
    ) =>
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${what} "${name}" is not declared under ${what}s`,
      });
    c.pipelines.forEach((p, i) => {
      claim(p.key, p.key, ['pipelines', i, 'key']);
      p.aliases.forEach((a, j) => claim(a, p.key, ['pipelines', i, 'aliases', j]));
      if (p.environment && !c.environments.some((e) => e.key === p.environment)) {
        undeclared('environment', p.environment, ['pipelines', i, 'environment']);
      }
    });
    c.environments.forEach((e, i) => {
      claim(e.key, e.pipeline, ['environments', i, 'key']);
      e.aliases.forEach((a, j) => claim(a, e.pipeline, ['environments', i, 'aliases', j]));
      if (!pipelineKeys.has(e.pipeline))
        undeclared('pipeline', e.pipeline, ['environments', i, 'pipeline']);
      if (e.cleanupPipeline && !pipelineKeys.has(e.cleanupPipeline)) {
        undeclared('pipeline', e.cleanupPipeline, ['environments', i, 'cleanupPipeline']);
      }
    });
    if (c.models && !pipelineKeys.has(c.models.pipeline)) {
      undeclared('pipeline', c.models.pipeline, ['models', 'pipeline']);
    }
  });

export type Catalog = z.infer<typeof catalogSchema>;
export type PipelineSpec = Catalog['pipelines'][number];
export type EnvironmentSpec = Catalog['environments'][number];
export type ParameterSpec = PipelineSpec['parameters'][number];
export type StageSpec = PipelineSpec['stages'][number];
export type ApprovalSpec = NonNullable<EnvironmentSpec['approval']>;
