import type { Actor } from '../auth/actor';

/** Store collection of subscriptions, key = conversation id (see `src/store/store.ts`). */
export const SUBSCRIPTIONS_COLLECTION = 'subscriptions';

/** Re-reads after a lost compare-and-set (two people subscribing in one chat at once). */
export const SUBSCRIPTION_ATTEMPTS = 10;

export const RUN_EVENT_KINDS = [
  'started',
  'stageChanged',
  'waitingForApproval',
  'completed',
] as const;
export type RunEventKind = (typeof RUN_EVENT_KINDS)[number];

export const RUN_RESULTS = ['succeeded', 'failed', 'canceled', 'partiallySucceeded'] as const;
export type RunResult = (typeof RUN_RESULTS)[number];

export type ConversationType = 'personal' | 'channel' | 'groupChat';

/**
 * One "tell this chat about …" rule. Empty lists mean "any".
 * @example { id: '1f2e3d4c', pipelines: ['prod'], environments: [], events: [], results: ['failed'], branch: 'main', createdAt: 0 }
 */
export interface SubscriptionFilter {
  id: string;
  /** Catalog keys; [] = all pipelines. */
  pipelines: string[];
  /** Environment keys; [] = all. */
  environments: string[];
  /** [] = all kinds. */
  events: RunEventKind[];
  /** [] = any result (and events without a result). */
  results: RunResult[];
  /** Short branch name (`main`); `refs/heads/` is stripped when stored. */
  branch?: string;
  /** Epoch ms. */
  createdAt: number;
}

/** What a person asks for; `id` and `createdAt` are assigned, lists default to []. */
export interface SubscriptionFilterInput {
  pipelines?: string[];
  environments?: string[];
  events?: RunEventKind[];
  results?: RunResult[];
  branch?: string;
}

/** All of one conversation's filters, one document per conversation. */
export interface Subscription {
  conversationId: string;
  conversationType: ConversationType;
  createdBy: Pick<Actor, 'id' | 'name'>;
  filters: SubscriptionFilter[];
}

/** A run event as the notifier sees it, reduced to what filters look at. */
export interface RunEventForFilter {
  pipelineKey?: string;
  environment?: string;
  kind: RunEventKind;
  /** Azure DevOps result, e.g. `failed`; absent while running. */
  result?: string;
  /** `main` or `refs/heads/main`. */
  branch?: string;
}

/**
 * `refs/heads/main` and `main` name the same branch. Azure Repos treats branch names
 * case-insensitively, so `Main` does too.
 * @example shortBranch('refs/heads/Release/1') === 'release/1'
 */
export function shortBranch(branch: string): string {
  return branch
    .trim()
    .replace(/^refs\/heads\//i, '')
    .toLowerCase();
}
