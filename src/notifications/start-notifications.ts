import type { Server } from 'restify';
import type { Catalog } from '../catalog/catalog-schema';
import type { Clock } from '../clock/clock';
import type { ApprovalSummary, DevOpsPort, RunSummary } from '../devops/devops-port';
import type { Logger } from '../logging/create-logger';
import type { Metrics } from '../metrics/metrics';
import type { ChatChannel } from '../publisher/chat-channel';
import { Publisher } from '../publisher/publisher';
import type { Store } from '../store/store';
import { registerAdoEventsRoute } from './ado-events-route';
import { EventProcessor } from './event-processor';
import { mayWaitForApprovalIn, RunPoller } from './run-poller';
import { trackRun } from './tracked-runs';

export interface NotificationsOptions {
  /** The chat platform (Teams: `TeamsChannel`); every card goes out through it. */
  channel: ChatChannel;
  store: Store;
  devops: DevOpsPort;
  catalog: Catalog;
  clock: Clock;
  logger: Logger;
  metrics?: Pick<Metrics, 'webhooks'>;
  /** `ADO_WEBHOOK_SECRET`; without it `/api/ado-events` accepts loopback callers only. */
  secret: string | undefined;
  /** Whether Azure DevOps sends service hooks; without them the poller keeps cards current. */
  hooksEnabled: boolean;
  /** Poll interval while runs move (default 10 s; with hooks on, 5 min as a safety net). */
  pollIntervalMs?: number;
  /** Longest poll interval while nothing runs (default 2 min, or 10 min with hooks on). */
  maxPollIntervalMs?: number;
  /**
   * Ttl of the leases a replica holds while it works (the poller's, at least; a run's while it
   * is processed), default 30 s: if a replica dies, another takes over within it.
   */
  leaseMs?: number;
  /** How often the outbox is retried (default 15 s). */
  outboxIntervalMs?: number;
  /** Adds signed tokens to button data (the bot's `CardSigner`). */
  sign?<T>(data: T, conversationId: string): T;
  /** The approvers' ids on the chat platform (Teams `29:…`), for the card's approver view. */
  approverChatIds?(approval: ApprovalSummary): Promise<string[]>;
  onRunCompleted?(run: RunSummary): void;
  sharedApprovalView?: 'approver' | 'viewer';
}

export interface Notifications {
  /** Adds `POST /api/ado-events`; pass to `createHttpServer({ extraRoutes })`. */
  registerRoutes(server: Server): void;
  processor: EventProcessor;
  poller: RunPoller;
  /** The one way out to chats (commands' announcements, a turn's outbox too). */
  publisher: Publisher;
  /** Call when the bot queued a run: its card is polled (no hooks) and the poller wakes up. */
  trackRun(runId: number): Promise<void>;
  /** Stops timers and waits for in-flight work. */
  stop(): Promise<void>;
}

/**
 * Wires the notification side: the webhook route, the event processor, the poller and the
 * publisher with its outbox. Starts their timers.
 * @example
 *   const notifications = startNotifications({ channel: new TeamsChannel({ adapter, botAppId, store }), store, devops, catalog,
 *     clock, logger, metrics, secret: config.webhookSecret, hooksEnabled: Boolean(config.publicUrl) || localMode });
 *   createHttpServer({ …, extraRoutes: (s) => notifications.registerRoutes(s) });
 *   // on close: await notifications.stop();
 */
export function startNotifications(opts: NotificationsOptions): Notifications {
  const holderId = `replica-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const publisher = new Publisher({
    channel: opts.channel,
    store: opts.store,
    clock: opts.clock,
    logger: opts.logger,
    ...(opts.sign && { sign: opts.sign }),
  });
  const processor = new EventProcessor({
    store: opts.store,
    devops: opts.devops,
    catalog: opts.catalog,
    clock: opts.clock,
    logger: opts.logger,
    publisher,
    holderId,
    ...(opts.leaseMs !== undefined && { runLeaseMs: opts.leaseMs }),
    ...(opts.approverChatIds && { approverChatIds: opts.approverChatIds }),
    ...(opts.onRunCompleted && { onRunCompleted: opts.onRunCompleted }),
    ...(opts.sharedApprovalView && { sharedApprovalView: opts.sharedApprovalView }),
  });
  const poller = new RunPoller({
    store: opts.store,
    devops: opts.devops,
    clock: opts.clock,
    logger: opts.logger,
    handle: (event) => processor.handle(event),
    holderId,
    intervalMs: opts.pollIntervalMs ?? (opts.hooksEnabled ? 300_000 : 10_000),
    maxIntervalMs: opts.maxPollIntervalMs ?? (opts.hooksEnabled ? 600_000 : 120_000),
    ...(opts.leaseMs !== undefined && { minLeaseMs: opts.leaseMs }),
    mayWaitForApproval: mayWaitForApprovalIn(opts.catalog),
  });
  processor.start();
  processor.kick(); // events stored before a restart
  poller.start();
  let outboxTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const drainOutbox = () => {
    outboxTimer = setTimeout(() => {
      publisher
        .drainOutbox()
        .catch((err: unknown) => opts.logger.warn({ err }, 'outbox delivery failed'))
        .finally(() => {
          if (!stopped) drainOutbox();
        });
    }, opts.outboxIntervalMs ?? 15_000);
    outboxTimer.unref();
  };
  drainOutbox();

  return {
    registerRoutes(server) {
      registerAdoEventsRoute(server, {
        store: opts.store,
        logger: opts.logger,
        secret: opts.secret,
        ...(opts.metrics && { metrics: opts.metrics }),
        onAccepted: (event) => processor.accepted(event),
      });
    },
    processor,
    poller,
    publisher,
    async trackRun(runId) {
      await trackRun(opts.store, runId, opts.clock.now());
      poller.wake();
    },
    async stop() {
      stopped = true;
      if (outboxTimer) clearTimeout(outboxTimer);
      await Promise.all([poller.stop(), processor.stop()]);
      await publisher.idle();
    },
  };
}
