import type { Actor } from '../auth/actor';
import type { Authorizer } from '../auth/authorizer';
import type { ActAsPerson } from '../auth/user-token';
import type { Catalog } from '../catalog/catalog-schema';
import type { Clock } from '../clock/clock';
import type { DevOpsPort } from '../devops/devops-port';
import type { Store } from '../store/store';

/**
 * Who asks a use-case, and from which chat: a command's or a click's context as it is
 * (`CommandContext` satisfies it), nothing of the chat platform.
 * @example cancelRun(1234, { actor, conversation: { id: 'conv-1' } }, deps)
 */
export interface UseCaseContext {
  /** The chat platform the request came from ('teams' when absent). */
  platform?: 'teams' | 'slack';
  actor: Actor;
  conversation: { id: string; channelId?: string };
  activityId?: string;
  redelivered?: boolean;
  /** The person's own Azure DevOps identity, fetched on first call (sign-in connections). */
  actAsPerson?: ActAsPerson;
}

/**
 * The ports a use-case reaches the world through; `CommandDeps` satisfies it.
 * @example const outcome = await cancelRun(runId, ctx, { catalog, devops, store, clock, authorizer });
 */
export interface UseCaseDeps {
  catalog: Catalog;
  devops: DevOpsPort;
  store: Store;
  clock: Clock;
  authorizer: Authorizer;
  /** Every configured secret value, masked out of audit details. */
  secrets?: readonly string[];
}
