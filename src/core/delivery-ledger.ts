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
export class DeliveryLedger {
  /** This process's instance, to tell its own in-flight deliveries from a crashed one's. */
  readonly instanceId = `${process.pid}-${randomUUID()}`;
  private heartbeat: NodeJS.Timeout | undefined;
  private alive: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
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
    const current = await this.store.get<DeliveryDoc>('dedupe', key);
    // Gone meanwhile (finished and forgotten, or expired): a later retry will run it.
    if (!current) return false;
    const holder = typeof current.value === 'object' && 'holder' in current.value;
    if (!holder) return false;
    const { holder: who } = current.value as { holder: string };
    if (who === this.instanceId || (await this.store.get('dedupe', `instance:${who}`))) {
      return false;
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
