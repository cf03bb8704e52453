import { catalogIndex } from '../catalog/catalog-index';
import type { Catalog } from '../catalog/catalog-schema';
import type { Actor } from './actor';

/** Whether the person deciding an approval asked for the run: yes, no, or cannot tell. */
export type RequesterMatch = 'self' | 'other' | 'unsure';

/** Something a person may be allowed to do. */
export type Permission =
  | { kind: 'run'; pipeline: string }
  | { kind: 'deploy'; environment: string }
  /**
   * `requester`: whether the actor asked for the run being decided (see `runRequester`); absent
   * only when no particular run is meant (e.g. `whoami`).
   */
  | { kind: 'approve'; environment: string; requester?: RequesterMatch }
  | { kind: 'lock'; environment: string }
  | { kind: 'admin' };

/**
 * Whether a person may; a refusal says why in words (`reason`), as a reason code (`why`, the
 * outcome's `refused:<why>`) and who can instead.
 * @example { allowed: false, reason: 'Production does not allow …', who: ['rm@x'], why: 'self-approval' }
 */
export type Decision =
  { allowed: true } | { allowed: false; reason: string; who: string[]; why?: RefusalWhy };

/** Why the Authorizer refused, as a code metrics and audit can count by. */
export type RefusalWhy = 'not-allowed' | 'not-approver' | 'self-approval' | 'requester-unknown';

/** Where the person is asking from (a channel can be a principal). */
export interface AuthContext {
  channelId?: string;
}

/**
 * The one place that decides who may do what; checked before any side effect, in commands and
 * card actions alike. @example authorizer.check(actor, { kind: 'deploy', environment: 'prod' })
 */
export interface Authorizer {
  check(actor: Actor, permission: Permission, ctx?: AuthContext): Decision;
  /** Whether everybody holds every role (local mode), for banners and `whoami`. */
  readonly everyoneIsEverything: boolean;
}

function matches(principal: string, actor: Actor, ctx: AuthContext): boolean {
  const p = principal.toLowerCase();
  if (p.startsWith('channel:'))
    return ctx.channelId !== undefined && principal.slice(8) === ctx.channelId;
  return p === actor.upn?.toLowerCase() || p === actor.aadObjectId?.toLowerCase();
}

/** Roles from the catalog. An empty list means nobody; `localMode` grants everyone everything. */
export class CatalogAuthorizer implements Authorizer {
  constructor(
    private readonly catalog: Catalog,
    private readonly opts: { localMode: boolean },
  ) {}

  get everyoneIsEverything(): boolean {
    return this.opts.localMode;
  }

  check(actor: Actor, permission: Permission, ctx: AuthContext = {}): Decision {
    // Local mode: one newcomer in the Playground holds every role, including approving their own run.
    if (this.opts.localMode) return { allowed: true };
    const { list, what } = this.principalsFor(permission);
    if (permission.kind === 'approve' && permission.requester !== undefined) {
      const env = catalogIndex(this.catalog).environment(permission.environment);
      const self = [actor.id, actor.aadObjectId, actor.upn?.toLowerCase()].filter(Boolean);
      const others = list.filter((p) => !self.includes(p.toLowerCase()));
      if (env?.approval?.noSelfApproval && permission.requester === 'self') {
        return {
          allowed: false,
          reason: `${env.displayName} does not allow approving your own run; another approver must decide`,
          who: others,
          why: 'self-approval',
        };
      }
      if (env?.approval?.noSelfApproval && permission.requester === 'unsure') {
        return {
          allowed: false,
          reason: `${env.displayName} does not allow approving your own run, and I cannot tell who asked for this one (Azure DevOps names no person I know, and I have no record of it); another approver must decide, or approve it in Azure DevOps`,
          who: others,
          why: 'requester-unknown',
        };
      }
    }
    const admins = this.catalog.roles.admins;
    if (
      list.some((p) => matches(p, actor, ctx)) ||
      (permission.kind !== 'approve' && admins.some((p) => matches(p, actor, ctx)))
    ) {
      return { allowed: true };
    }
    return {
      allowed: false,
      reason: `you are not allowed to ${what}`,
      who: list,
      why: permission.kind === 'approve' ? 'not-approver' : 'not-allowed',
    };
  }

  private principalsFor(p: Permission): { list: string[]; what: string } {
    const env = (key: string) => catalogIndex(this.catalog).environment(key);
    switch (p.kind) {
      case 'admin':
        return { list: this.catalog.roles.admins, what: 'do that (admins only)' };
      case 'deploy':
      case 'lock':
        return {
          list: env(p.environment)?.deployers ?? [],
          what: `${p.kind} ${env(p.environment)?.displayName ?? p.environment}`,
        };
      case 'approve':
        return {
          list: env(p.environment)?.approval?.approvers ?? [],
          what: `approve deployments to ${env(p.environment)?.displayName ?? p.environment}`,
        };
      case 'run': {
        const pipeline = catalogIndex(this.catalog).pipeline(p.pipeline);
        const envKey = pipeline?.environment;
        const list =
          pipeline?.runners ??
          (envKey ? (env(envKey)?.deployers ?? []) : this.catalog.roles.runners);
        return { list, what: `run ${pipeline?.name ?? p.pipeline}` };
      }
    }
  }
}
