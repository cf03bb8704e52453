import { once } from '../store/once';
import type { QueueItem } from '../store/store';
import { ADO_EVENTS_QUEUE, type AdoEvent } from './ado-event';
import type { EventProcessorDeps } from './notification-deps';
import { runEventFromEnvelope, type RunEvent } from './run-event';
import { RunBusyError } from './run-lease';

/** How long a processed event id is remembered (Azure DevOps retries within hours). */
const EVENT_DEDUPE_MS = 7 * 24 * 3600_000;
/** A failing event is retried this many times (backing off) before it is dead-lettered. */
const MAX_EVENT_ATTEMPTS = 8;
/** Runs of a batch read and shown at the same time. */
const GROUP_CONCURRENCY = 20;

/**
 * One claimed batch of queued service-hook events, processed with one read per run: a run's
 * events are grouped (the newest state covers the older ones), events a live read already
 * covered leave without a read, a processed event is remembered (redelivery is ignored) and a
 * failed one is released to be retried, backing off, or dead-lettered after MAX_EVENT_ATTEMPTS.
 * @example const left = await new EventBatch(deps, covered, (events) => handleEvents(events)).process(items);
 */
export class EventBatch {
  constructor(
    private readonly deps: EventProcessorDeps,
    /** Queued event ids a live read already covered (the processor's live lane fills it). */
    private readonly covered: Set<string>,
    private readonly handleEvents: (events: RunEvent[]) => Promise<void>,
  ) {}

  /** Processes one claimed batch, one read per run; resolves how many items left the queue. */
  async process(items: QueueItem<AdoEvent>[]): Promise<number> {
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

  /** A failed item is released to be retried (backing off) or dead-lettered; true when it left. */
  private async failed(item: QueueItem<AdoEvent>, err: unknown): Promise<boolean> {
    const { store, logger, clock } = this.deps;
    const busy = err instanceof RunBusyError;
    if (!busy && item.attempts >= MAX_EVENT_ATTEMPTS) {
      logger.error(
        { err, eventId: item.id, attempts: item.attempts },
        'service-hook event given up on after repeated failures; kept as a dead letter',
      );
      // Kept with its error for admins (`dead-letters`), not deleted: nothing is dropped silently.
      const why = `failed ${item.attempts} times: ${err instanceof Error ? err.message : String(err)}`;
      await store.deadLetter(ADO_EVENTS_QUEUE, item.id, why).catch(() => undefined);
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
}
