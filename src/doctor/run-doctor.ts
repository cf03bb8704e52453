import type { TokenCredential } from '@azure/identity';
import type { Catalog, PipelineSpec } from '../catalog/catalog-schema';
import { HOOK_EVENT_TYPES } from '../commands/handlers/setup-hooks';
import { didYouMean } from '../commands/did-you-mean';
import { AdoTransport } from '../devops/ado-transport';
import { classifyError } from '../devops/classify-error';
import { REQUEST_ID_PARAMETER } from '../devops/request-id';

/** One line of the doctor's table. */
export interface DoctorCheck {
  check: string;
  ok: boolean;
  detail: string;
  /** What to do when `ok` is false. */
  fix?: string;
}

export interface DoctorOptions {
  catalog: Catalog;
  orgUrl: string;
  project: string;
  auth: { pat: string } | { credential: TokenCredential };
  /** `CHATOPS_PUBLIC_URL`; service hooks must point at `<it>/api/ado-events`. */
  publicUrl?: string;
  webhookSecret?: string;
  /** Local mode: the in-process emulator delivers events, so hooks and secret are not needed. */
  localMode?: boolean;
  timeoutMs?: number;
}

/** The PAT scopes the bot needs, as the PAT page names them (README lists why). */
export const PAT_SCOPES_TEXT =
  'Build (Read & execute), Pipeline Resources (Use), Service Hooks (Read & write), Environment (Read & manage) and Project and Team (Read)';

const API = 'api-version=7.1';
const CHECKS_API = 'api-version=7.1-preview.1';

interface Found {
  spec: PipelineSpec;
  id: number;
}

/**
 * Checks that the configured Azure DevOps organization can run the catalog: credentials, project,
 * pipelines (by name, close names suggested), a preview of each with the catalog's parameters and
 * the request-id parameter, tagged model runs, environments and their approval checks, the access
 * the bot needs (probed with harmless calls), service hooks and the webhook secret.
 * @example const checks = await runDoctor({ catalog, orgUrl, project, auth: { pat } });
 */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorCheck[]> {
  const t = new AdoTransport({
    orgUrl: opts.orgUrl,
    auth: opts.auth,
    timeoutMs: opts.timeoutMs ?? 35_000,
    retry: { maxAttempts: 2 },
  });
  const org = opts.orgUrl.replace(/\/+$/, '');
  const projectUrl = `${org}/${encodeURIComponent(opts.project)}`;
  const checks: DoctorCheck[] = [];
  const add = (c: DoctorCheck) => checks.push(c);
  const get = async <T>(what: string, url: string): Promise<T | null> =>
    (await t.call(what, () => t.webApi.rest.get<T>(url))).result;

  // 1. Credentials: nothing else is worth asking if the service does not know us.
  let me = '';
  try {
    const data = await get<{ authenticatedUser?: { providerDisplayName?: string } }>(
      'connectionData',
      `${org}/_apis/connectionData`,
    );
    if (!data?.authenticatedUser) throw new Error('the answer names no authenticated user');
    me = data.authenticatedUser.providerDisplayName ?? '';
    add({ check: 'Credentials', ok: true, detail: `signed in as ${me || 'the bot identity'}` });
  } catch (err) {
    add({
      check: 'Credentials',
      ok: false,
      detail: `Azure DevOps did not accept the credentials: ${describe(err)}`,
      fix: `Create a new PAT in ${org} (User settings > Personal access tokens) with ${PAT_SCOPES_TEXT} and set ADO_PAT, or check the Entra ID variables (AZURE_CLIENT_ID, AZURE_TENANT_ID, ...).`,
    });
    return checks;
  }

  // 2. Project.
  const project = await get<{ id?: string; name?: string }>(
    'project',
    `${org}/_apis/projects/${encodeURIComponent(opts.project)}?${API}`,
  ).catch(() => null);
  if (!project?.id) {
    add({
      check: 'Project',
      ok: false,
      detail: `project "${opts.project}" was not found in ${org}`,
      fix: 'Set ADO_PROJECT to the project that holds the pipelines (its name as the portal shows it).',
    });
    return checks;
  }
  add({ check: 'Project', ok: true, detail: project.name ?? opts.project });

  // 3. Pipelines by name (case-insensitive, as the bot looks them up).
  const list = await (await t.pipelines()).listPipelines(opts.project, undefined, 1000);
  const names = (list ?? []).flatMap((p) => (p.name && p.id ? [{ name: p.name, id: p.id }] : []));
  const found: Found[] = [];
  for (const spec of opts.catalog.pipelines) {
    const hit = names.find((n) => n.name.toLowerCase() === spec.name.toLowerCase());
    if (hit) {
      found.push({ spec, id: hit.id });
      add({ check: `Pipeline ${spec.key}`, ok: true, detail: `${hit.name} (id ${hit.id})` });
      continue;
    }
    const close = didYouMean(
      spec.name,
      names.map((n) => n.name),
    );
    add({
      check: `Pipeline ${spec.key}`,
      ok: false,
      detail: `no pipeline named "${spec.name}"${close.length ? `; close: ${close.map((c) => `"${c}"`).join(', ')}` : ''}`,
      fix: close.length
        ? `Rename the pipeline in Azure DevOps to "${spec.name}", or set the catalog's name to "${close[0]}".`
        : `Import ${spec.yamlPath} from the ${spec.repository} repository as a pipeline named "${spec.name}" (Pipelines > New pipeline > Existing YAML file).`,
    });
  }

  // 4. A preview of each with the catalog's parameters: the YAML declares what the bot sends.
  for (const f of found) add(await previewCheck(t, opts, f));

  // 5. Model versions.
  const models = opts.catalog.models;
  const modelPipeline = models && found.find((f) => f.spec.key === models.pipeline);
  if (models && modelPipeline) {
    const builds = await (
      await t.builds()
    ).getBuilds(
      opts.project,
      [modelPipeline.id],
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      2, // BuildResult.Succeeded
      undefined,
      undefined,
      200,
    );
    const tags = (builds ?? [])
      .flatMap((b) => b.tags ?? [])
      .filter((g) => g.startsWith(models.tagPrefix));
    add(
      tags.length > 0
        ? {
            check: 'Model versions',
            ok: true,
            detail: `${new Set(tags).size} tagged (${tags[0]}, ...)`,
          }
        : {
            check: 'Model versions',
            ok: false,
            detail: `no successful run of ${modelPipeline.spec.name} carries a ${models.tagPrefix}N tag`,
            fix: `Run ${modelPipeline.spec.name}; its register step must print ##vso[build.addbuildtag]${models.tagPrefix}<version> (see ${modelPipeline.spec.yamlPath}).`,
          },
    );
  }

  // 6. Environments and their approval checks.
  for (const env of opts.catalog.environments) {
    const envs = await get<{ value?: { id: number; name: string }[] }>(
      'environments',
      `${projectUrl}/_apis/distributedtask/environments?name=${encodeURIComponent(env.key)}&${API}`,
    ).catch((err: unknown) => err as Error);
    if (envs instanceof Error) {
      add({
        check: `Environment ${env.key}`,
        ok: false,
        detail: `could not list environments: ${describe(envs)}`,
        fix: `Give the PAT ${PAT_SCOPES_TEXT}.`,
      });
      continue;
    }
    const e = envs?.value?.find((x) => x.name.toLowerCase() === env.key.toLowerCase());
    if (!e) {
      add({
        check: `Environment ${env.key}`,
        ok: false,
        detail: 'no such environment',
        fix: `Create the environment "${env.key}" (Pipelines > Environments > New environment); the deployment job names it.`,
      });
      continue;
    }
    if (!env.approval) {
      add({ check: `Environment ${env.key}`, ok: true, detail: `id ${e.id}, no approval needed` });
      continue;
    }
    add(await approvalCheck(get, projectUrl, env.key, e.id, env.approval.approvers, me));
  }

  // 7. Access the bot needs, probed with calls that change nothing.
  add(
    await probe(
      'Access: approve',
      () =>
        t.call('approvals.probe', () =>
          t.webApi.rest.update(`${projectUrl}/_apis/pipelines/approvals?${API}`, []),
        ),
      'Pipeline Resources (Use)',
    ),
  );
  if (opts.localMode) {
    add({
      check: 'Service hooks',
      ok: true,
      detail: 'local mode: the emulator delivers events in-process',
    });
    add({ check: 'Webhook secret', ok: true, detail: 'local mode: not needed' });
    return checks;
  }
  add(
    await probe(
      'Access: service hooks',
      () =>
        t.call('hooks.probe', () =>
          t.webApi.rest.create(`${org}/_apis/hooks/subscriptions?${API}`, {}),
        ),
      'Service Hooks (Read & write)',
    ),
  );
  add(await hooksCheck(get, org, opts, found));
  add(
    opts.webhookSecret && opts.webhookSecret.length >= 16
      ? { check: 'Webhook secret', ok: true, detail: 'ADO_WEBHOOK_SECRET is set' }
      : {
          check: 'Webhook secret',
          ok: false,
          detail: opts.webhookSecret
            ? 'ADO_WEBHOOK_SECRET is shorter than 16 characters'
            : 'ADO_WEBHOOK_SECRET is not set',
          fix: 'Set ADO_WEBHOOK_SECRET to a random value of 16+ characters (e.g. openssl rand -hex 24), restart, then run `setup hooks`.',
        },
  );
  return checks;
}

/** Sample values for parameters without a default, so a preview can expand the YAML. */
function sampleValue(p: PipelineSpec['parameters'][number]): string {
  if (p.values?.[0]) return p.values[0];
  if (p.type === 'number') return String(p.min ?? 1);
  if (p.type === 'boolean') return 'false';
  return '1';
}

async function previewCheck(t: AdoTransport, opts: DoctorOptions, f: Found): Promise<DoctorCheck> {
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

type Get = <T>(what: string, url: string) => Promise<T | null>;

async function approvalCheck(
  get: Get,
  projectUrl: string,
  key: string,
  envId: number,
  approvers: readonly string[],
  me: string,
): Promise<DoctorCheck> {
  const check = `Environment ${key}`;
  const configs = await get<{
    value?: {
      type?: { name?: string };
      settings?: { approvers?: { uniqueName?: string; displayName?: string; id?: string }[] };
    }[];
  }>(
    'checks',
    `${projectUrl}/_apis/pipelines/checks/configurations?resourceType=environment&resourceId=${envId}&$expand=settings&${CHECKS_API}`,
  ).catch((err: unknown) => err as Error);
  if (configs instanceof Error) {
    return {
      check,
      ok: false,
      detail: `could not read its checks: ${describe(configs)}`,
      fix: `Give the PAT ${PAT_SCOPES_TEXT}.`,
    };
  }
  const approval = configs?.value?.find((c) => c.type?.name?.toLowerCase() === 'approval');
  if (!approval) {
    return {
      check,
      ok: false,
      detail: 'no Approval check: deployments would not wait for anyone',
      fix: `Pipelines > Environments > ${key} > Approvals and checks > Approvals: add ${approvers.join(', ')}.`,
    };
  }
  const named = (approval.settings?.approvers ?? []).map((a) =>
    (a.uniqueName ?? a.id ?? '').toLowerCase(),
  );
  const missing = approvers.filter(
    (p) => !p.startsWith('channel:') && !named.includes(p.toLowerCase()),
  );
  if (missing.length > 0) {
    return {
      check,
      ok: false,
      detail: `the Approval check does not name ${missing.join(', ')}`,
      fix: `Add ${missing.join(', ')} to the Approval check of ${key} (or a group holding them), or remove them from the catalog's approvers.`,
    };
  }
  const botApproves = (approval.settings?.approvers ?? []).some((a) => a.displayName === me);
  return {
    check,
    ok: true,
    detail: `Approval check names the catalog's approvers; the bot identity ${botApproves ? 'is' : 'is not'} an approver (people approve as themselves when sign-in is configured)`,
  };
}

async function probe(
  check: string,
  call: () => Promise<unknown>,
  scope: string,
): Promise<DoctorCheck> {
  try {
    await call();
    return { check, ok: true, detail: 'allowed' };
  } catch (err) {
    const status = classifyError(err).status;
    // The call is deliberately empty: a 400 means the service checked the body, so access passed.
    if (status === 400) return { check, ok: true, detail: 'allowed' };
    return {
      check,
      ok: false,
      detail: `refused: ${describe(err)}`,
      fix: `Give the PAT the ${scope} scope (User settings > Personal access tokens > Edit).`,
    };
  }
}

async function hooksCheck(
  get: Get,
  org: string,
  opts: DoctorOptions,
  found: Found[],
): Promise<DoctorCheck> {
  const check = 'Service hooks';
  if (!opts.publicUrl) {
    return {
      check,
      ok: false,
      detail: 'CHATOPS_PUBLIC_URL is not set, so no service hook can reach the bot',
      fix: 'Set CHATOPS_PUBLIC_URL to the https address Azure DevOps can reach, restart, then say `setup hooks` to the bot.',
    };
  }
  const target = `${opts.publicUrl.replace(/\/+$/, '')}/api/ado-events`;
  const subs = await get<{
    value?: {
      eventType?: string;
      consumerInputs?: { url?: string };
      publisherInputs?: { pipelineId?: string };
    }[];
  }>('hooks', `${org}/_apis/hooks/subscriptions?${API}`).catch(() => null);
  const missing: string[] = [];
  for (const f of found) {
    for (const eventType of HOOK_EVENT_TYPES) {
      const ok = (subs?.value ?? []).some(
        (s) =>
          s.eventType === eventType &&
          (s.consumerInputs?.url ?? '').replace(/\/+$/, '') === target &&
          s.publisherInputs?.pipelineId === String(f.id),
      );
      if (!ok) missing.push(`${f.spec.key}: ${eventType.replace(/^ms\.vss-[a-z-]+\./, '')}`);
    }
  }
  return missing.length === 0
    ? { check, ok: true, detail: `every pipeline sends its events to ${target}` }
    : {
        check,
        ok: false,
        detail: `${missing.length} subscriptions missing for ${target} (${missing.slice(0, 3).join('; ')}${missing.length > 3 ? '; ...' : ''})`,
        fix: 'Say `setup hooks` to the bot (as an admin); it creates the missing ones.',
      };
}

/** A failure's message; a 203/HTML answer is a sign-in page, i.e. the credentials. */
function describe(err: unknown): string {
  const c = classifyError(err);
  return c.status ? `${c.status} ${c.error.message}` : c.error.message;
}
