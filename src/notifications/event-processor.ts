import { ADO_EVENTS_QUEUE, type AdoEvent } from './ado-event';
import { EventBatch } from './event-batch';
import type { EventProcessorDeps } from './notification-deps';
import { runEventFromEnvelope, type RunEvent } from './run-event';
import { RunBusyError, RunLanes } from './run-lease';
import { showRunUpdate } from './run-update';

export type { EventProcessorDeps } from './notification-deps';
export type { RunCardOutcome } from '../publisher/run-card-publisher';

/** Events claimed per round: more of a run's events share one read. */
const DEFAULT_BATCH = 100;
/** Event ids covered by a live read, remembered until the drain meets them (bounded). */
const MAX_COVERED = 100_000;

/**
 * Turns run events into chat: one live run card per run and conversation (created once,
 * updated in place, never backwards), approval cards for the channels that want them, and a
 * personal message to whoever started the run when it completes (`run-update.ts`, through the
 * publisher). Events come from the `ado-events` queue (service hooks, `event-batch.ts`) or
 * straight from the poller; each run is handled by one replica at a time (`run-lease.ts`).
 * @example
 *   const processor = new EventProcessor({ store, devops, catalog, clock, logger, publisher });
 *   processor.start(); processor.kick(); // after the route stored an event
 *   await processor.stop();
 */
export class EventProcessor {
  /** Live lane: the events of runs accepted while a backlog drains, newest runs last. */
  private readonly live = new Map<number, RunEvent[]>();
  private liveWorker: Promise<void> | undefined;
  /** Queued event ids a live read already covered: the drain completes them without a read. */
  private readonly covered = new Set<string>();
  private readonly lanes: RunLanes;
  private readonly batch: EventBatch;
  private draining: Promise<number> | undefined;
  /** The drain's last claim was a full batch: a backlog may be waiting. */
  private backlogged = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: EventProcessorDeps) {
    const holderId =
      deps.holderId ?? `processor-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.lanes = new RunLanes({ store: deps.store, holderId, leaseMs: deps.runLeaseMs });
    this.batch = new EventBatch(deps, this.covered, (events) => this.handleEvents(events));
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
    await this.lanes.settled();
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
      done += await this.batch.process(items);
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

  /**
   * Processes one run event (serialized per run, one replica at a time). Throws when Azure
   * DevOps or the store failed, so a queued event is retried; chat delivery failures are logged
   * (the publisher keeps them in its outbox).
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

  private handleGroup(runId: number, events: RunEvent[]): Promise<void> {
    return this.lanes.run(runId, () => showRunUpdate(this.deps, runId, events));
  }
}
