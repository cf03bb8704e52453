import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/create-logger';
import type { AuditRecord, Store } from '../store/store';

/** How long a done delivery id is remembered, so a platform retry is not run twice. */
const DONE_MS = 24 * 60 * 60 * 1000;
/** A delivery being answered: longer than any turn (Teams gives up after ~15 s). */
const IN_FLIGHT_MS = 5 * 60 * 1000;
/** A bot instance not heard of for this long is taken as gone (crashed). */
const LIVENESS_TTL_MS = 6_000;

/** What `activity:<id>` holds: the instance answering it, or (any other value) done. */
type DeliveryDoc = { holder: string } | { done: true } | number;

/** Whether to handle a delivery now, and whether a crashed instance had taken it before. */
export type DeliveryStart = 'new' | 'takenOver' | false;

/**
 * Issue 14's "done only when its effect happened", in as few store calls as it can: one
 * document per delivery id (`dedupe` / `activity:<id>`) that is first this instance's claim and
 * then, in the same call as the turn's audit records, the done mark. In the common case a
 * message costs two writes and no read; the instance's liveness beat runs on a timer, not per
 * message.
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
}

export class DeliveryLedger {
  /** This process's instance, to tell its own in-flight deliveries from a crashed one's. */
  readonly instanceId = `${process.pid}-${randomUUID()}`;
  private heartbeat: NodeJS.Timeout | undefined;
  private alive: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly opts: DeliveryLedgerOptions = {},
  ) {}

  /**
   * Claims a delivery: not when it is done, nor while this process or another live instance
   * answers it. A claim left by an instance that is gone (it crashed between taking the message
   * and finishing it) is taken over: the effect is idempotent (keyed on the delivery id), so it
   * happens exactly once.
   */
  async start(id: string): Promise<DeliveryStart> {
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
    await this.store.putAndAudit<DeliveryDoc>(
      'dedupe',
      `activity:${id}`,
      { done: true },
      { ttlMs: DONE_MS },
      records,
    );
  }

  /** Drops the claim of a delivery that did nothing, so the platform's retry runs it. */
  async forget(id: string): Promise<void> {
    await this.store.delete('dedupe', `activity:${id}`);
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
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.alive = undefined;
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
