import type { TokenCredential } from '@azure/identity';
import type { Catalog, PipelineSpec } from '../catalog/catalog-schema';
import { classifyError } from '../devops/classify-error';

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

export const API = 'api-version=7.1';

/** A catalog pipeline the project has, with its id. */
export interface Found {
  spec: PipelineSpec;
  id: number;
}

/** A JSON read through the doctor's transport (null: the service answered no body). */
export type Get = <T>(what: string, url: string) => Promise<T | null>;

/** A failure's message; a 203/HTML answer is a sign-in page, i.e. the credentials. */
export function describe(err: unknown): string {
  const c = classifyError(err);
  return c.status ? `${c.status} ${c.error.message}` : c.error.message;
}
