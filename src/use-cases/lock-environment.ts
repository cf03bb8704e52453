import type { Decision, RefusalWhy } from '../auth/authorizer';
import { maskSecrets } from '../text/mask-secrets';
import { catalogIndex } from '../catalog/catalog-index';
import type { EnvironmentSpec } from '../catalog/catalog-schema';
import { acquireLock } from '../locks/acquire-lock';
import type { EnvironmentLock } from '../locks/environment-lock';
import { releaseLock } from '../locks/release-lock';
import { audit } from './audit';
import type { UseCaseContext, UseCaseDeps } from './use-case-deps';

type Refusal = { code: `refused:${RefusalWhy}`; decision: Extract<Decision, { allowed: false }> };

/** What a `lock` came to; `refused:locked` names who holds it. */
export type LockOutcome = { environment: EnvironmentSpec } & (
  | Refusal
  | { code: 'refused:locked'; lock: EnvironmentLock }
  | { code: 'already-yours'; lock: EnvironmentLock }
  | { code: 'locked'; lock: EnvironmentLock }
);

/** What an `unlock` came to; `forced` when an admin released someone else's lock. */
export type UnlockOutcome = { environment: EnvironmentSpec } & (
  | Refusal
  | { code: 'refused:not-locked' }
  | { code: 'refused:locked'; lock: EnvironmentLock }
  | { code: 'unlocked'; lock: EnvironmentLock; forced: boolean }
);

/**
 * Lock an environment so only this person can deploy there (deployers only), audited with
 * the outcome code. The reason is shown to everyone by `locks`: a pasted secret is masked
 * before it is stored.
 * @example const o = await lockEnvironment({ environment: 'prod', reason: 'freeze' }, ctx, deps); o.code // 'locked'
 */
export async function lockEnvironment(
  input: { environment: string; reason: string; ttlMs?: number },
  ctx: UseCaseContext,
  deps: UseCaseDeps,
): Promise<LockOutcome> {
  const environment = catalogIndex(deps.catalog).requireEnvironment(input.environment);
  const action = `lock ${environment.key}`;
  const reason = maskSecrets(input.reason, deps.secrets ?? []);
  const decision = deps.authorizer.check(
    ctx.actor,
    { kind: 'lock', environment: environment.key },
    { channelId: ctx.conversation.channelId },
  );
  if (!decision.allowed) {
    const code = `refused:${decision.why ?? 'not-allowed'}` as const;
    await audit(deps, ctx, { action, detail: decision.reason, outcome: code });
    return { environment, code, decision };
  }
  const r = await acquireLock(deps.store, deps.clock, {
    environment: environment.key,
    actor: ctx.actor,
    reason,
    ttlMs: input.ttlMs,
  });
  if (r.outcome === 'heldByOther') {
    const detail = `held by ${r.lock.owner.name}`;
    await audit(deps, ctx, { action, detail, outcome: 'refused:locked' });
    return { environment, code: 'refused:locked', lock: r.lock };
  }
  await audit(deps, ctx, { action, detail: reason, outcome: 'ok' });
  return {
    environment,
    code: r.outcome === 'alreadyYours' ? 'already-yours' : 'locked',
    lock: r.lock,
  };
}

/**
 * Release a lock: the holder's own, or anyone's with `force` (admins only), audited with the
 * outcome code.
 * @example const o = await unlockEnvironment({ environment: 'prod', force: false }, ctx, deps); o.code // 'unlocked'
 */
export async function unlockEnvironment(
  input: { environment: string; force: boolean },
  ctx: UseCaseContext,
  deps: UseCaseDeps,
): Promise<UnlockOutcome> {
  const environment = catalogIndex(deps.catalog).requireEnvironment(input.environment);
  const action = `unlock ${environment.key}`;
  if (input.force) {
    const decision = deps.authorizer.check(
      ctx.actor,
      { kind: 'admin' },
      { channelId: ctx.conversation.channelId },
    );
    if (!decision.allowed) {
      return { environment, code: `refused:${decision.why ?? 'not-allowed'}`, decision };
    }
  }
  const r = await releaseLock(deps.store, deps.clock, {
    environment: environment.key,
    actor: ctx.actor,
    force: input.force,
  });
  if (r.outcome === 'notLocked') return { environment, code: 'refused:not-locked' };
  if (r.outcome === 'heldByOther') {
    const detail = `held by ${r.lock.owner.name}`;
    await audit(deps, ctx, { action, detail, outcome: 'refused:locked' });
    return { environment, code: 'refused:locked', lock: r.lock };
  }
  await audit(deps, ctx, { action, detail: `was held by ${r.lock.owner.name}`, outcome: 'ok' });
  return { environment, code: 'unlocked', lock: r.lock, forced: r.lock.owner.id !== ctx.actor.id };
}
