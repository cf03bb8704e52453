import type { Activity } from 'botbuilder';
import { approvalCardData } from '../cards/approval-card-data';
import { runCardData } from '../cards/run-card-data';
import { replyToActivity } from '../bot/reply-to-activity';
import type { Catalog } from '../catalog/catalog-schema';
import type { Clock } from '../clock/clock';
import { getRunRecord, requesterLine, type RunRecord } from '../commands/run-record';
import type { Reply } from '../commands/reply';
import { getDefaultNotificationChannel } from '../conversations/default-notification-channel';
import {
  abandonRunCardClaim,
  claimRunCardCreation,
  getRunCard,
  listRunCards,
  rememberRunCard,
  runCardCreationPending,
  type RunCard,
} from '../conversations/run-card';
import type { ApprovalSummary, DevOpsPort, RunSummary } from '../devops/devops-port';
import type { Logger } from '../logging/create-logger';
import { once } from '../store/once';
import type { QueueItem, Store } from '../store/store';
import { listSubscriptions } from '../subscriptions/list-subscriptions';
import { canceledByOf, getRunDecision, rememberRunDecision } from './run-decision';
import { inDefaultChannelFilter } from '../subscriptions/default-channel-filters';
import { subscribersFor } from '../subscriptions/subscribers-for';
import type { RunEventForFilter } from '../subscriptions/subscription';
import { ADO_EVENTS_QUEUE, type AdoEvent } from './ado-event';
import { listApprovalCards, claimApprovalCard, rememberApprovalCard } from './approval-cards';
import { DeliveryDeferredError, type NotificationSender } from './notification-sender';
import { completionNoticeData } from './completion-notice';
import { findPersonalConversation } from './find-personal-conversation';
import { filterEventFor, runEventFromEnvelope, type RunEvent } from './run-event';
import { cardStateHash, progressOfHash, runProgress } from './run-progress';
import { trackRun, untrackRun } from './tracked-runs';

/** How long a processed event id is remembered (Azure DevOps retries within hours). */
const EVENT_DEDUPE_MS = 7 * 24 * 3600_000;
/** One completion message per run, whichever event (run-state, build.complete, poll) tells us. */
const COMPLETION_NOTICE_MS = 90 * 24 * 3600_000;
/** A failing event is retried this many times (backing off) before it is logged and dropped. */
const MAX_EVENT_ATTEMPTS = 8;
/** Events claimed per round: more of a run's events share one read. */
const DEFAULT_BATCH = 100;
/** Runs of a batch read and shown at the same time. */
const GROUP_CONCURRENCY = 20;
/** Event ids covered by a live read, remembered until the drain meets them (bounded). */
const MAX_COVERED = 100_000;

/** The distinct subscription filters of a group's events, in order. */
function distinctFilters(filters: RunEventForFilter[]): RunEventForFilter[] {
  const seen = new Map<string, RunEventForFilter>();
  for (const f of filters) {
    const key = JSON.stringify(f);
    seen.delete(key); // keep the last position, so the newest is last
    seen.set(key, f);
  }
  return [...seen.values()];
}

/**
 * Default ttl of the per-run lease. It is renewed every third of it while the run is being
 * processed, so a slow Teams delivery keeps it, and a replica that dies mid-event blocks the
 * run for at most this long.
 */
const RUN_LEASE_MS = 30_000;

export interface EventProcessorDeps {
  store: Store;
  devops: DevOpsPort;
  catalog: Catalog;
  clock: Clock;
  logger: Logger;
  sender: NotificationSender;
  /** Adds signed tokens to the button data of a card posted in `conversationId`. */
  signData?<T>(data: T, conversationId: string): T;
  /** Teams ids (`29:…`) of the approvers, for the approval card's user-specific view. */
  approverTeamsIds?(approval: ApprovalSummary): Promise<string[]>;
  /** Told when a run completes (e.g. to drop cached model versions after training). */
  onRunCompleted?(run: RunSummary): void;
  /**
   * The view everyone in a channel sees. 'approver' in local mode, where everyone approves (and
   * clients such as the Agents Playground show no user-specific views); 'viewer' otherwise.
   */
  sharedApprovalView?: 'approver' | 'viewer';
  /**
   * Opens a 1:1 chat with a Teams user when the bot has none stored (needs tenant + bot id);
   * resolves its conversation id, or undefined when it cannot.
   */
  openPersonalChat?(teamsUserId: string, fromConversationId: string): Promise<string | undefined>;
  /** Identifies this replica in the per-run lease. */
  holderId?: string;
  /** Ttl of the per-run lease (default 30 s), renewed while the run is processed. */
  runLeaseMs?: number;
  /** Events claimed per round (default 100; a run's events in one round share one read). */
  batchSize?: number;
  /** How long a claimed event stays hidden from other replicas (default 2 min). */
  visibilityMs?: number;
}

export type RunCardOutcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'deferred';

/** Thrown when another replica holds the run right now; the event is tried again shortly. */
class RunBusyError extends Error {}

/**
 * Turns run events into chat: one live run card per run and conversation (created once,
 * updated in place, never backwards), approval cards for the channels that want them, and a
 * personal message to whoever started the run when it completes. Events come from the
 * `ado-events` queue (service hooks) or straight from the poller.
 * @example
 *   const processor = new EventProcessor({ store, devops, catalog, clock, logger, sender });
 *   processor.start(); processor.kick(); // after the route stored an event
 *   await processor.stop();
 */
export class EventProcessor {
  private readonly chains = new Map<number, Promise<unknown>>();
  /** Live lane: the events of runs accepted while a backlog drains, newest runs last. */
  private readonly live = new Map<number, RunEvent[]>();
  private liveWorker: Promise<void> | undefined;
  /** Queued event ids a live read already covered: the drain completes them without a read. */
  private readonly covered = new Set<string>();
  private readonly holderId: string;
  private draining: Promise<number> | undefined;
  /** The drain's last claim was a full batch: a backlog may be waiting. */
  private backlogged = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: EventProcessorDeps) {
    this.holderId =
      deps.holderId ?? `processor-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  }

  /** Drains the queue now (coalesced with a drain already running). Never throws. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = (async () => {
      let total = 0;
      do {
        this.again = false;
        try {
          total += await this.drain();
        } catch (err) {
          this.deps.logger.error({ err }, 'draining service-hook events failed');
        }
      } while (this.again && !this.stopped);
      return total;
    })().finally(() => {
      this.draining = undefined;
      this.backlogged = false;
    });
  }

  /** Resolves once no drain is running (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.draining || this.liveWorker) {
      await this.draining;
      await this.liveWorker;
    }
    await Promise.allSettled([...this.chains.values()]);
  }

  /** Also drains every `intervalMs`, for events released to be retried later. */
  start(intervalMs = 5_000): void {
    this.stopped = false;
    const tick = () => {
      this.kick();
      this.timer = setTimeout(tick, intervalMs);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  /**
   * Claims and processes queued events until the queue is empty (bounded rounds).
   * Resolves how many events were taken off the queue.
   *
   * A burst can queue thousands of events for a few runs, and every event only tells us to
   * re-read its run (`handleRun` reads the run's current state). So a claimed batch is grouped
   * per run and each run is read ONCE for all its events (the newest state covers the older
   * ones; cards never move backwards anyway), and events this replica already covered with a
   * later read (see `accepted`) leave the queue without a read. Order: batches are still
   * claimed oldest first, so the backlog drains in the order it arrived.
   */
  async drain(): Promise<number> {
    const { store } = this.deps;
    let done = 0;
    for (let round = 0; round < 1000 && !this.stopped; round++) {
      const items = await store.claim<AdoEvent>(
        ADO_EVENTS_QUEUE,
        this.deps.batchSize ?? DEFAULT_BATCH,
        this.deps.visibilityMs ?? 120_000,
      );
      if (items.length === 0) break;
      // A full batch: more may wait behind it, so live events take the live lane meanwhile.
      this.backlogged = items.length >= (this.deps.batchSize ?? DEFAULT_BATCH);
      done += await this.processBatch(items);
    }
    return done;
  }

  /**
   * Told by the route that an event was stored (`onAccepted`). While a backlog is draining, a
   * run moving NOW would otherwise wait behind every older event: instead its newest event is
   * handled at once on a live lane (one run at a time, the events of a run that arrive
   * meanwhile coalesced), and the queued copies are then completed by the drain without another
   * read — the run was read after they were stored. We chose this over claiming newest-first
   * (which would need a new store query on all three stores and lets a busy run starve old
   * events): the queue stays the durable, in-order record, and a crash loses nothing since the
   * queued copies are still there. Events another replica accepted are processed normally.
   */
  accepted(envelope: AdoEvent): void {
    if (this.stopped) return;
    if (!this.draining || !this.backlogged) {
      this.kick(); // no backlog: the drain takes it next, nothing to overtake
      return;
    }
    this.again = true; // the running drain looks again before it stops
    let event: RunEvent;
    try {
      event = runEventFromEnvelope(envelope, this.deps.catalog);
    } catch {
      return; // the drain meets it and handles the failure
    }
    if (event.runId === undefined) return;
    const pending = this.live.get(event.runId);
    if (pending) pending.push(event);
    else this.live.set(event.runId, [event]);
    if (!this.liveWorker) {
      this.liveWorker = this.runLive().finally(() => {
        this.liveWorker = undefined;
      });
    }
  }

  private async runLive(): Promise<void> {
    while (this.live.size > 0 && !this.stopped) {
      const [runId, events] = this.live.entries().next().value as [number, RunEvent[]];
      this.live.delete(runId);
      try {
        await this.handleGroup(runId, events);
        if (this.covered.size > MAX_COVERED) this.covered.clear(); // only an optimisation
        for (const e of events) this.covered.add(e.id);
      } catch (err) {
        // The queued copies are still there: the drain processes (and retries) them.
        if (!(err instanceof RunBusyError))
          this.deps.logger.info({ err, runId }, 'live event left to the queue');
      }
    }
  }

  /** Processes one claimed batch, one read per run; resolves how many items left the queue. */
  private async processBatch(items: QueueItem<AdoEvent>[]): Promise<number> {
    const groups = new Map<string, { runId?: number; items: QueueItem<AdoEvent>[] }>();
    let done = 0;
    for (const item of items) {
      if (this.covered.delete(item.id)) {
        if (await this.finish(item)) done++;
        continue;
      }
      let runId: number | undefined;
      try {
        runId = runEventFromEnvelope(item.payload, this.deps.catalog).runId;
      } catch {
        runId = undefined; // processed alone; its failure is handled there
      }
      const key = runId === undefined ? `item:${item.id}` : `run:${runId}`;
      const group = groups.get(key) ?? { runId, items: [] };
      group.items.push(item);
      groups.set(key, group);
    }
    // At most GROUP_CONCURRENCY runs at a time: the same load on Azure DevOps as the old
    // 20-event batches, however big the batch.
    const queue = [...groups.values()];
    const worker = async () => {
      for (let g = queue.shift(); g; g = queue.shift()) {
        const left = await this.processGroup(g.items); // not `done += await`: workers interleave
        done += left;
      }
    };
    await Promise.all(Array.from({ length: Math.min(GROUP_CONCURRENCY, queue.length) }, worker));
    return done;
  }

  /** The queued events of one run (oldest first): one read for all; resolves how many left. */
  private async processGroup(items: QueueItem<AdoEvent>[]): Promise<number> {
    const { store, logger } = this.deps;
    const fresh: QueueItem<AdoEvent>[] = [];
    let done = 0;
    const events: RunEvent[] = [];
    for (const item of items) {
      try {
        if (await store.get('dedupe', `event:${item.id}`)) {
          logger.info({ eventId: item.id }, 'service-hook event already processed');
          await store.complete(ADO_EVENTS_QUEUE, item.id);
          done++;
          continue;
        }
        events.push(runEventFromEnvelope(item.payload, this.deps.catalog));
        fresh.push(item);
      } catch (err) {
        if (await this.failed(item, err)) done++;
      }
    }
    if (fresh.length === 0) return done;
    try {
      await this.handleEvents(events);
    } catch (err) {
      const left = await Promise.all(fresh.map((item) => this.failed(item, err)));
      return done + left.filter(Boolean).length;
    }
    const finished = await Promise.all(fresh.map((item) => this.finish(item)));
    return done + finished.filter(Boolean).length;
  }

  /** Marks a processed item (after the work: a crash mid-way means it is processed again). */
  private async finish(item: QueueItem<AdoEvent>): Promise<boolean> {
    try {
      await once(this.deps.store, `event:${item.id}`, EVENT_DEDUPE_MS);
      await this.deps.store.complete(ADO_EVENTS_QUEUE, item.id);
      return true;
    } catch (err) {
      return this.failed(item, err);
    }
  }

  /** A failed item is released to be retried (backing off) or dropped; true when dropped. */
  private async failed(item: QueueItem<AdoEvent>, err: unknown): Promise<boolean> {
    const { store, logger, clock } = this.deps;
    const busy = err instanceof RunBusyError;
    if (!busy && item.attempts >= MAX_EVENT_ATTEMPTS) {
      logger.error(
        { err, eventId: item.id, attempts: item.attempts },
        'service-hook event dropped after repeated failures',
      );
      await store.complete(ADO_EVENTS_QUEUE, item.id).catch(() => undefined);
      return true;
    }
    const delay = busy ? 500 : Math.min(60_000, 1000 * 2 ** Math.max(0, item.attempts - 1));
    if (!busy)
      logger.warn(
        { err, eventId: item.id, attempt: item.attempts, delay },
        'service-hook event failed; will retry',
      );
    await store.release(ADO_EVENTS_QUEUE, item.id, clock.now() + delay).catch(() => undefined);
    return false;
  }

  /**
   * Processes one run event (serialized per run, one replica at a time). Throws when Azure
   * DevOps or the store failed, so a queued event is retried; chat delivery failures are logged
   * (the sender keeps them in its outbox).
   */
  async handle(event: RunEvent): Promise<void> {
    await this.handleEvents([event]);
  }

  /** Events of one run (or one approval without a run), oldest first: one read for all. */
  private async handleEvents(events: RunEvent[]): Promise<void> {
    const first = events[0]!;
    let runId = first.runId;
    if (runId === undefined && first.approval) {
      runId = (await this.deps.devops.getApproval(first.approval.id))?.runId;
    }
    if (runId === undefined) {
      this.deps.logger.warn({ eventId: first.id }, 'event names no run; ignored');
      return;
    }
    await this.handleGroup(runId, events);
  }

  private async handleGroup(runId: number, events: RunEvent[]): Promise<void> {
    const id = runId;
    await this.serial(id, async () => {
      const { store } = this.deps;
      const lease = `run-${id}`;
      const ttl = this.deps.runLeaseMs ?? RUN_LEASE_MS;
      if (!(await store.acquireLease(lease, this.holderId, ttl))) {
        throw new RunBusyError(`run ${id} is being processed by another replica`);
      }
      // Renewed while working (a short ttl, so a crash frees the run soon); the last renewal is
      // awaited before releasing, or it could take the lease again after the release.
      let renewing: Promise<unknown> = Promise.resolve();
      const renew = setInterval(() => {
        renewing = store.acquireLease(lease, this.holderId, ttl).catch(() => undefined);
      }, ttl / 3);
      renew.unref();
      try {
        await this.handleRun(id, events);
      } finally {
        clearInterval(renew);
        await renewing;
        await store.releaseLease(lease, this.holderId).catch(() => undefined);
      }
    });
  }

  private serial<T>(runId: number, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(runId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.chains.set(runId, tail);
    void tail.then(() => {
      if (this.chains.get(runId) === tail) this.chains.delete(runId);
    });
    return next;
  }

  private async handleRun(runId: number, events: RunEvent[]): Promise<void> {
    const { devops, store, catalog, clock, logger } = this.deps;
    // The newest event names the group in logs; every event's filter still picks its audience.
    const event = events[events.length - 1]!;
    // One read of the run and its timeline per group of events, shared by every conversation.
    const run = await devops.getRun(runId, { withStages: true });
    if (!run) {
      logger.warn({ runId, eventId: event.id }, 'run not found in Azure DevOps; event ignored');
      await untrackRun(store, runId);
      return;
    }
    const filterEvents = distinctFilters(events.map((e) => filterEventFor(e, run, catalog)));
    const filterEvent = filterEvents[filterEvents.length - 1]!;
    const record = await getRunRecord(store, runId);
    const now = clock.now();
    const environment = catalog.environments.find((e) => e.key === filterEvent.environment);
    const failed = run.state === 'completed' && run.result === 'failed';
    // The timeline just read names the failed task (if any): only its log is read.
    const logTail =
      failed && run.failedTask
        ? await devops.failingLogTail(runId, { failedTask: run.failedTask }).catch(() => null)
        : null;
    const data = runCardData(run, {
      environment: environment?.displayName,
      requestedBy: requesterLine(record),
      ...((run.state === 'canceling' || run.result === 'canceled') && {
        canceledBy: await canceledByOf(store, runId),
      }),
      logTail,
      now,
    });
    const stateHash = cardStateHash(runProgress(run), data);

    const existing = new Map((await listRunCards(store, runId)).map((c) => [c.conversationId, c]));
    const creators = new Set((await Promise.all(filterEvents.map((f) => this.audience(f)))).flat());
    // The requester's chat too: its card may still be on its way (in the outbox), and this
    // state must follow it there.
    const requesterChat =
      record && !existing.has(record.conversationId) ? [record.conversationId] : [];
    const targets = [...new Set([...existing.keys(), ...creators, ...requesterChat])];
    const outcomes = await Promise.allSettled(
      targets.map((conversationId) =>
        this.showRunCard({
          runId,
          conversationId,
          card: existing.get(conversationId),
          // The chat where the run was asked for gets its card from the bot's reply, which
          // may not be remembered yet when the first event arrives: never post a second one.
          mayCreate: creators.has(conversationId) && conversationId !== record?.conversationId,
          reply: { card: 'run-status', data },
          stateHash,
        }),
      ),
    );
    this.logFailures(outcomes, targets, { runId, eventId: event.id, what: 'run card' });
    logger.info(
      {
        runId,
        eventId: event.id,
        ...(events.length > 1 && { coalesced: events.length }),
        kind: event.kind,
        source: event.source,
        cards: Object.fromEntries(
          targets.map((t, i) => [
            t,
            outcomes[i]!.status === 'fulfilled'
              ? (outcomes[i] as PromiseFulfilledResult<RunCardOutcome>).value
              : 'failed',
          ]),
        ),
      },
      'run event processed',
    );

    // Every approval the group names, in order (a pending one still posts its card).
    const approvals = new Set<string>();
    for (const e of events) {
      const key = e.approval && `${e.approval.id}:${e.approval.pending}`;
      if (!e.approval || !key || approvals.has(key)) continue;
      approvals.add(key);
      await this.showApproval(e.approval, run, filterEventFor(e, run, catalog), record);
    }

    if (run.state === 'completed') {
      this.deps.onRunCompleted?.(run);
      await untrackRun(store, runId);
      await this.notifyRequester(run, record, data.stateText, environment?.displayName);
    } else {
      await trackRun(store, runId, now);
    }
  }

  /** Conversations that may get a new card: matching subscriptions + the default channel. */
  private async audience(filterEvent: RunEventForFilter): Promise<string[]> {
    const { store } = this.deps;
    const ids = await subscribersFor(store, filterEvent);
    const fallback = await getDefaultNotificationChannel(store);
    // The default channel hears what a team wants (prod, approvals, failures) unless it chose
    // what to hear with `subscribe`.
    if (
      fallback &&
      !ids.includes(fallback) &&
      inDefaultChannelFilter(this.deps.catalog, filterEvent) &&
      (await listSubscriptions(store, fallback)).length === 0
    ) {
      ids.push(fallback);
    }
    return ids;
  }

  private activity(reply: Reply, conversationId: string): Partial<Activity> {
    const signed = this.deps.signData ? this.deps.signData(reply.data, conversationId) : reply.data;
    return replyToActivity({ ...reply, data: signed } as Reply);
  }

  /** Creates the run's card in a conversation once, or updates it in place when it moved on. */
  private async showRunCard(args: {
    runId: number;
    conversationId: string;
    card: RunCard | undefined;
    mayCreate: boolean;
    reply: Reply;
    stateHash: string;
  }): Promise<RunCardOutcome> {
    const { store, sender, clock } = this.deps;
    const { runId, conversationId, stateHash } = args;
    const card = args.card ?? (await getRunCard(store, runId, conversationId));
    const activity = this.activity(args.reply, conversationId);
    if (card) {
      // Never backwards: a stale read or an out-of-order event shows less progress.
      if (
        card.lastStateHash === stateHash ||
        progressOfHash(card.lastStateHash) > progressOfHash(stateHash)
      ) {
        return 'unchanged';
      }
      const lastUpdate = Math.max(clock.now(), card.lastUpdate + 1);
      const tag = { runCard: { runId, lastStateHash: stateHash, lastUpdate } };
      try {
        await sender.update(conversationId, card.activityId, activity, tag);
      } catch (err) {
        // The outbox applies it (and remembers it) once the channel takes it again.
        if (err instanceof DeliveryDeferredError) return 'deferred';
        throw err;
      }
      await rememberRunCard(store, { ...card, lastUpdate, lastStateHash: stateHash });
      return 'updated';
    }
    const lastUpdate = clock.now();
    const tag = { runCard: { runId, lastStateHash: stateHash, lastUpdate } };
    if (!args.mayCreate || !(await claimRunCardCreation(store, runId, conversationId))) {
      // Its first post is on its way (the requester's reply, or a send waiting in the outbox):
      // queue this state behind it, where it becomes an update once that card exists, so the
      // card still reaches its final state when this was the run's last event.
      if (sender.defer && (await runCardCreationPending(store, runId, conversationId))) {
        await sender.defer(conversationId, activity, tag, { behindFirstPost: true });
        return 'deferred';
      }
      return 'skipped';
    }
    try {
      const activityId = await sender.send(conversationId, activity, tag);
      await rememberRunCard(store, {
        runId,
        conversationId,
        activityId,
        lastUpdate,
        lastStateHash: stateHash,
      });
      return 'created';
    } catch (err) {
      // Deferred: the outbox posts it and remembers the card; keep the claim meanwhile.
      if (!(err instanceof DeliveryDeferredError))
        await abandonRunCardClaim(store, runId, conversationId);
      throw err;
    }
  }

  /** Pending: the approval card in every channel that wants approvals. Decided: update them. */
  private async showApproval(
    ref: { id: string; pending: boolean },
    run: RunSummary,
    filterEvent: RunEventForFilter,
    record: RunRecord | undefined,
  ): Promise<void> {
    const { devops, store, sender, clock, catalog } = this.deps;
    const approval = await devops.getApproval(ref.id);
    if (!approval) return;
    await rememberRunDecision(store, approval);
    const environment = catalog.environments.find(
      (e) => e.key === (approval.environment ?? filterEvent.environment),
    );
    const pending = approval.status === 'pending';
    const approverUserIds =
      pending && this.deps.approverTeamsIds ? await this.deps.approverTeamsIds(approval) : [];
    const data = approvalCardData(approval, {
      view: this.deps.sharedApprovalView ?? 'viewer',
      approverUserIds,
      runName: run.name,
      modelVersion: run.parameters['modelVersion'],
      change: record?.change,
      branch: run.branch,
      requestedBy: record?.requestedBy.name,
      runUrl: run.url,
      environment: environment?.displayName,
      now: clock.now(),
    });
    const reply: Reply = { card: 'approval', data };
    if (pending) {
      const targets = await this.audience({ ...filterEvent, kind: 'waitingForApproval' });
      const outcomes = await Promise.allSettled(
        targets.map(async (conversationId) => {
          if (!(await claimApprovalCard(store, approval.id, conversationId))) return;
          const activityId = await sender.send(
            conversationId,
            this.activity(reply, conversationId),
            {
              approvalCard: { approvalId: approval.id },
            },
          );
          await rememberApprovalCard(store, approval.id, conversationId, activityId);
        }),
      );
      this.logFailures(outcomes, targets, { runId: run.id, what: 'approval card' });
    } else {
      const cards = await listApprovalCards(store, approval.id);
      const outcomes = await Promise.allSettled(
        cards.map((c) =>
          sender.update(c.conversationId, c.activityId, this.activity(reply, c.conversationId)),
        ),
      );
      this.logFailures(
        outcomes,
        cards.map((c) => c.conversationId),
        { runId: run.id, what: 'approval card update' },
      );
    }
  }

  /** Tells whoever started the run, in their personal chat, once per run. */
  private async notifyRequester(
    run: RunSummary,
    record: RunRecord | undefined,
    stateText: string,
    environment: string | undefined,
  ): Promise<void> {
    const { store, sender, logger } = this.deps;
    if (!record) return;
    const key = `run-completed:${run.id}`;
    if (!(await once(store, key, COMPLETION_NOTICE_MS))) return;
    let target = await findPersonalConversation(store, record);
    if (!target && this.deps.openPersonalChat) {
      target = await this.deps
        .openPersonalChat(record.requestedBy.teamsId, record.conversationId)
        .catch((err: unknown) => {
          logger.warn({ err, runId: run.id }, 'could not open a personal chat with the requester');
          return undefined;
        });
    }
    if (!target) {
      logger.info(
        { runId: run.id, requester: record.requestedBy.id },
        'requester has no personal chat with the bot; completion message skipped',
      );
      return;
    }
    // Their chat already shows the run's live card, which now says how it ended: one card per
    // run per chat. The notice is for runs whose card is elsewhere (a channel), and for who
    // rejected and why, which the run card does not say.
    const decision = stateText === 'Rejected' ? await getRunDecision(store, run.id) : undefined;
    if (
      !decision &&
      ((await getRunCard(store, run.id, target)) ||
        (await runCardCreationPending(store, run.id, target)))
    )
      return;
    const reply: Reply = {
      card: 'notification',
      data: completionNoticeData(run, record, {
        stateText,
        environment,
        decision,
        now: this.deps.clock.now(),
      }),
    };
    try {
      await sender.send(target, this.activity(reply, target));
    } catch (err) {
      if (err instanceof DeliveryDeferredError) return;
      await store.delete('dedupe', key).catch(() => undefined); // let a later event try again
      logger.warn({ err, runId: run.id }, 'completion message to the requester failed');
    }
  }

  private logFailures(
    outcomes: PromiseSettledResult<unknown>[],
    targets: string[],
    ctx: Record<string, unknown>,
  ): void {
    outcomes.forEach((o, i) => {
      if (o.status === 'rejected') {
        const deferred = o.reason instanceof DeliveryDeferredError;
        this.deps.logger[deferred ? 'info' : 'warn'](
          { ...ctx, conversationId: targets[i], err: o.reason },
          deferred ? `${String(ctx.what)} deferred to the outbox` : `${String(ctx.what)} failed`,
        );
      }
    });
  }
}
