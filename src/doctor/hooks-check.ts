import { HOOK_EVENT_TYPES } from '../devops/hook-event-types';
import { API, type DoctorCheck, type DoctorOptions, type Found, type Get } from './doctor-check';

/**
 * Every catalog pipeline sends each event the bot needs to `<CHATOPS_PUBLIC_URL>/api/ado-events`.
 * @example checks.push(await hooksCheck(get, org, opts, found));
 */
export async function hooksCheck(
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
