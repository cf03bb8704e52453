/**
 * PAT scopes as Microsoft Learn lists them per REST operation (the "Scopes" table of each page):
 * reads of builds, pipelines, runs, logs and approvals need vso.build; queuing, cancelling and
 * tagging need vso.build_execute; deciding approvals needs vso.pipelineresources_use; service-hook
 * subscriptions need vso.hooks (read) or vso.hooks_write; environments need vso.environment_manage.
 */
export type PatScope =
  | 'vso.build'
  | 'vso.build_execute'
  | 'vso.pipelineresources_use'
  | 'vso.hooks'
  | 'vso.hooks_write'
  | 'vso.environment_manage';

/** A broader scope includes the narrower one (read & execute includes read). */
const IMPLIES: Partial<Record<PatScope, PatScope[]>> = {
  'vso.build_execute': ['vso.build'],
  'vso.hooks_write': ['vso.hooks'],
  'vso.pipelineresources_use': [],
};

/** The scope a call needs, from its method and path (below the organization). */
export function requiredScope(method: string, path: string): PatScope | undefined {
  const p = path.toLowerCase();
  if (method === 'OPTIONS') return undefined; // location discovery
  const write = method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
  if (/\/_apis\/(resourceareas|location|connectiondata)/.test(p) || p.startsWith('/_apis/location'))
    return undefined;
  if (p.includes('/_apis/hooks')) return write ? 'vso.hooks_write' : 'vso.hooks';
  if (p.includes('/_apis/distributedtask/environments')) return 'vso.environment_manage';
  if (p.includes('/_apis/pipelines/approvals'))
    return write ? 'vso.pipelineresources_use' : 'vso.build';
  if (p.includes('/_apis/pipelines/checks')) return 'vso.build';
  if (p.includes('/_apis/build') || p.includes('/_apis/pipelines')) {
    // POST …/runs with previewRun also needs execute on the service.
    return write ? 'vso.build_execute' : 'vso.build';
  }
  return undefined;
}

/** Whether `granted` (undefined: a full-access PAT) covers `needed`. */
export function scopeGranted(granted: readonly string[] | undefined, needed: PatScope): boolean {
  if (!granted) return true;
  return granted.some((g) => g === needed || (IMPLIES[g as PatScope] ?? []).includes(needed));
}
