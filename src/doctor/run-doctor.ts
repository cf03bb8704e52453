import { didYouMean } from '../text/did-you-mean';
import { BuildResult } from 'azure-devops-node-api/interfaces/BuildInterfaces';
import { AdoTransport } from '../devops/ado-transport';
import { BuildReads } from '../devops/build-reads';
import { approvalCheck } from './approval-check';
import {
  API,
  describe,
  PAT_SCOPES_TEXT,
  type DoctorCheck,
  type DoctorOptions,
  type Found,
} from './doctor-check';
import { hooksCheck } from './hooks-check';
import { previewCheck } from './preview-check';
import { probeAccess } from './probe-access';

export type { DoctorCheck, DoctorOptions } from './doctor-check';
export { PAT_SCOPES_TEXT } from './doctor-check';

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
  // Every call goes through the transport: credential, deadline, pacing, sign-in page detection.
  const list = await t.call('listPipelines', async () =>
    (await t.pipelines()).listPipelines(opts.project, undefined, 1000),
  );
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
    const builds = await new BuildReads(t, opts.project).buildsOnce({
      definitions: [modelPipeline.id],
      resultFilter: BuildResult.Succeeded,
      top: 200,
    });
    const tags = builds.flatMap((b) => b.tags ?? []).filter((g) => g.startsWith(models.tagPrefix));
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
    await probeAccess(
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
    await probeAccess(
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
