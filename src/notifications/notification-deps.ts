import type { Catalog } from '../catalog/catalog-schema';
import type { Clock } from '../clock/clock';
import type { ApprovalSummary, DevOpsPort, RunSummary } from '../devops/devops-port';
import type { Logger } from '../logging/create-logger';
import type { Publisher } from '../publisher/publisher';
import type { Store } from '../store/store';

/** What the event processor and its parts (run card, approval cards, requester notice) use. */
export interface EventProcessorDeps {
  store: Store;
  devops: DevOpsPort;
  catalog: Catalog;
  clock: Clock;
  logger: Logger;
  /** The one way out to chats: signs, renders, sends, retries, outbox. */
  publisher: Publisher;
  /** Chat ids of the approvers (Teams `29:…`), for the approval card's user-specific view. */
  approverChatIds?(approval: ApprovalSummary): Promise<string[]>;
  /** Told when a run completes (e.g. to drop cached model versions after training). */
  onRunCompleted?(run: RunSummary): void;
  /**
   * The view everyone in a channel sees. 'approver' in local mode, where everyone approves (and
   * clients such as the Agents Playground show no user-specific views); 'viewer' otherwise.
   */
  sharedApprovalView?: 'approver' | 'viewer';
  /** Identifies this replica in the per-run lease. */
  holderId?: string;
  /** Ttl of the per-run lease (default 30 s), renewed while the run is processed. */
  runLeaseMs?: number;
  /** Events claimed per round (default 100; a run's events in one round share one read). */
  batchSize?: number;
  /** How long a claimed event stays hidden from other replicas (default 2 min). */
  visibilityMs?: number;
}

/**
 * Logs what did not reach a chat: deferred (the outbox has it) at info, failed at warn.
 * @example logDeliveries(logger, outcomes, chats, { runId, what: 'run card' });
 */
export function logDeliveries(
  logger: Logger,
  outcomes: PromiseSettledResult<unknown>[],
  targets: string[],
  ctx: Record<string, unknown> & { what: string },
): void {
  outcomes.forEach((o, i) => {
    if (o.status !== 'rejected') return;
    const deferred = isDeferred(o.reason);
    logger[deferred ? 'info' : 'warn'](
      { ...ctx, conversationId: targets[i], err: o.reason },
      deferred ? `${ctx.what} deferred to the outbox` : `${ctx.what} failed`,
    );
  });
}

function isDeferred(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'deliveryDeferred';
}
