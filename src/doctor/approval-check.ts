import { describe, PAT_SCOPES_TEXT, type DoctorCheck, type Get } from './doctor-check';

const CHECKS_API = 'api-version=7.1-preview.1';

/**
 * An environment's Approval check names the catalog's approvers (channels aside).
 * @example checks.push(await approvalCheck(get, projectUrl, 'prod', 3, ['a@x.example'], me));
 */
export async function approvalCheck(
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
