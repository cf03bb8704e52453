import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/create-logger';
import type { AuditRecord, Store } from '../store/store';

/** How long a done delivery id is remembered, so a platform retry is not run twice. */
const DONE_MS = 24 * 60 * 60 * 1000;
/** A delivery being answered: longer than any turn (Teams gives up after ~15 s). */
const IN_FLIGHT_MS = 5 * 60 * 1000;
/** A bot instance not heard of for this long is taken as gone (crashed). */
const LIVENESS_TTL_MS = 6_000;

/** One process's store: there while a bot process runs on it (a crashed one leaves it behind). */
const RUNNING_KEY = 'process:running';

/** What `activity:<id>` holds: the instance answering it, or (any other value) done. */
type DeliveryDoc = { holder: string } | { done: true } | number;

/** Whether to handle a delivery now, and whether a crashed instance had taken it before. */
export type DeliveryStart = 'new' | 'takenOver' | false;

/**
 * Issue 14's "done only when its effect happened", in as few store calls as it can: one
 * document per delivery id (`dedupe` / `activity:<id>`) holding the done mark, written in the
 * same call as the turn's audit records.
 *
 * Where the claim on an in-flight delivery lives depends on who shares the store:
 * - one process (`store.sharedByProcesses` false: SQLite, which is never opened by two processes
 *   at once, and memory): in this process's memory. A message costs one read (is it done?) and
 *   one write (done + audit). A crash loses the claim with the process, which is what issue 14
 *   wants: the redelivery to the restarted bot runs the command, and queuing is idempotent by
 *   the delivery id. The restart tests run their bots one after the other on one file.
 * - several processes (Azure, replicas): a shared claim in the store, taken over when its holder
 *   stopped being alive. A message costs two writes; the liveness beat runs on a timer.
 * @example
 *   const start = await ledger.start(id); if (!start) return; // a retry, or being answered
 *   try { ...; await ledger.finish(id, records); } catch (e) { await ledger.forget(id); throw e; }
 */
export interface DeliveryLedgerOptions {
  /**
   * How long a redelivery waits for another live instance holding it to finish or to be found
   * dead (default 7.5 s: a crashed holder looks alive for up to 6 s, and Teams waits ~15 s).
   */
  waitForHolderMs?: number;
  /** How often it looks while waiting (default 500 ms). */
  pollMs?: number;
  sleep?(ms: number): Promise<void>;
  /** Claims in the store even if it is one process's (tests of several instances on one store). */
  shared?: boolean;
  /** The clock of the after-a-crash window (default Date.now). */
  now?(): number;
}

export class DeliveryLedger {
  /** This process's instance, to tell its own in-flight deliveries from a crashed one's. */
  readonly instanceId = `${process.pid}-${randomUUID()}`;
  private heartbeat: NodeJS.Timeout | undefined;
  private alive: Promise<void> | undefined;
  /** Deliveries this process answers, when the claim need not be shared: how each was taken. */
  private readonly inFlight = new Map<string, DeliveryStart>();
  private readonly shared: boolean;
  private opened: Promise<void> | undefined;
  /** Until then, a delivery not done may be one the crashed previous process was answering. */
  private recoveringUntil = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly opts: DeliveryLedgerOptions = {},
  ) {
    this.shared = opts.shared ?? store.sharedByProcesses;
  }

  /**
   * Claims a delivery: not when it is done, nor while this process or another live instance
   * answers it. A claim left by an instance that is gone (it crashed between taking the message
   * and finishing it) is taken over: the effect is idempotent (keyed on the delivery id), so it
   * happens exactly once.
   */
  async start(id: string): Promise<DeliveryStart> {
    if (!this.shared) return this.startHere(id);
    await this.beAlive();
    const key = `activity:${id}`;
    const mine = { holder: this.instanceId };
    const claimed = await this.store.put<DeliveryDoc>('dedupe', key, mine, {
      etag: null,
      ttlMs: IN_FLIGHT_MS,
    });
    if (claimed.ok) return 'new';
    let current = await this.store.get<DeliveryDoc>('dedupe', key);
    const who = holderOf(current?.value);
    // Done, or gone meanwhile (finished and forgotten, or expired): a later retry will run it.
    if (!current || who === undefined || who === this.instanceId) return false;
    if (await this.isAlive(who)) {
      // A holder that just crashed still looks alive for a few seconds, and a platform retries
      // sooner than that: wait it out instead of dropping the only copy of the command.
      current = await this.waitForHolder(key, who);
      if (!current) return false;
    }
    this.logger.warn(
      { activityId: id },
      'activity redelivered after another bot instance took it and did not finish; handling it',
    );
    const taken = await this.store.put<DeliveryDoc>('dedupe', key, mine, {
      etag: current.etag,
      ttlMs: IN_FLIGHT_MS,
    });
    return taken.ok ? 'takenOver' : false;
  }

  /**
   * The one-process claim: in memory, taken before the first await so a concurrent retry sees
   * it. A delivery not done is taken over (`redelivered`: queuing looks for a run it queued
   * already) when the previous process may have crashed answering it, and run anew otherwise.
   */
  private async startHere(id: string): Promise<DeliveryStart> {
    if (this.inFlight.has(id)) return false;
    this.inFlight.set(id, 'new');
    try {
      await this.open();
      const doc = await this.store.get<DeliveryDoc>('dedupe', `activity:${id}`);
      if (doc && holderOf(doc.value) === undefined) {
        this.inFlight.delete(id);
        return false;
      }
      // A claim document is a crashed shared-mode run's (the store was used by replicas).
      const now = this.opts.now?.() ?? Date.now();
      const start = doc || now < this.recoveringUntil ? 'takenOver' : 'new';
      this.inFlight.set(id, start);
      return start;
    } catch (err) {
      this.inFlight.delete(id);
      throw err;
    }
  }

  /**
   * Once per process, on its first delivery: a `process:running` mark left behind means the
   * previous process did not stop cleanly, so for as long as a claim would have lasted
   * (5 min) a delivery not done may be a redelivery of one it was answering. Then marks this
   * process as running. One read and one write per process, none per message.
   */
  private open(): Promise<void> {
    this.opened ??= (async () => {
      if (await this.store.get('dedupe', RUNNING_KEY)) {
        this.recoveringUntil = (this.opts.now?.() ?? Date.now()) + IN_FLIGHT_MS;
        this.logger.info(
          'the previous bot process did not stop cleanly: for 5 minutes, commands look for a run ' +
            'they may have queued before it stopped',
        );
      }
      await this.store.put('dedupe', RUNNING_KEY, { instance: this.instanceId });
    })();
    // A failed first look is tried again by the next delivery.
    this.opened.catch(() => (this.opened = undefined));
    return this.opened;
  }

  private async isAlive(instanceId: string): Promise<boolean> {
    return Boolean(await this.store.get('dedupe', `instance:${instanceId}`));
  }

  /**
   * Waits while `who` holds the delivery and is alive. Resolves the delivery's document once
   * its holder is found dead (take it over), or undefined when it finished, changed hands or
   * its holder is still alive at the end of the wait (that holder answers).
   */
  private async waitForHolder(key: string, who: string) {
    const { waitForHolderMs = 7_500, pollMs = 500 } = this.opts;
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    for (let waited = 0; waited < waitForHolderMs; waited += pollMs) {
      await sleep(pollMs);
      const doc = await this.store.get<DeliveryDoc>('dedupe', key);
      if (!doc || holderOf(doc.value) !== who) return undefined;
      if (!(await this.isAlive(who))) return doc;
    }
    return undefined;
  }

  /** Marks a delivery done and writes the turn's audit records, in one store call. */
  async finish(id: string, records: readonly AuditRecord[]): Promise<void> {
    try {
      await this.store.putAndAudit<DeliveryDoc>(
        'dedupe',
        `activity:${id}`,
        { done: true },
        { ttlMs: DONE_MS },
        records,
      );
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** Drops the claim of a delivery that did nothing, so the platform's retry runs it. */
  async forget(id: string): Promise<void> {
    const here = this.inFlight.get(id);
    this.inFlight.delete(id);
    // One process: nothing was written, unless it took over a crashed run's claim document.
    if (this.shared || here !== 'new') await this.store.delete('dedupe', `activity:${id}`);
  }

  /** True the first time `id` is seen (a sign-in answer Teams may send twice). */
  async once(id: string): Promise<boolean> {
    const result = await this.store.put('dedupe', `activity:${id}`, 1, {
      etag: null,
      ttlMs: DONE_MS,
    });
    return result.ok;
  }

  /** Stops the liveness beat (the process is shutting down). */
  stop(): void {
    void this.markStopped();
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.alive = undefined;
  }

  /**
   * `stop`, and resolves once a one-process store says this process stopped cleanly (so the next
   * process does not take its first 5 minutes for a crash's). Call it before closing the store.
   * @example await ledger.close(); await store.close();
   */
  async close(): Promise<void> {
    const stopped = this.markStopped();
    this.stop();
    await stopped;
  }

  private markStopped(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (!opened) return Promise.resolve();
    return opened
      .then(() => this.store.delete('dedupe', RUNNING_KEY))
      .then(
        () => undefined,
        () => undefined,
      );
  }

  /**
   * Keeps `instance:<id>` fresh while this process lives (a few seconds' TTL), so another
   * instance can tell a live holder of a delivery from a crashed one. The first delivery waits
   * for the first beat; the timer keeps it fresh after that.
   */
  private beAlive(): Promise<void> {
    const beat = () =>
      this.store
        .put('dedupe', `instance:${this.instanceId}`, 1, { ttlMs: LIVENESS_TTL_MS })
        .then(() => undefined);
    if (!this.alive) {
      this.alive = beat();
      // A failed first beat is tried again by the next delivery.
      this.alive.catch(() => (this.alive = undefined));
      this.heartbeat ??= setInterval(() => void beat().catch(() => undefined), LIVENESS_TTL_MS / 3);
      this.heartbeat.unref();
    }
    return this.alive;
  }
}

/** The instance holding a delivery, or undefined when it is done. */
function holderOf(doc: DeliveryDoc | undefined): string | undefined {
  return typeof doc === 'object' && 'holder' in doc ? doc.holder : undefined;
}
