/**
 * Service-hook subscriptions (Web Hooks consumer) and their deliveries: one ordered queue per
 * subscription, POSTs with basic auth / custom headers, bounded retries with exponential backoff.
 * Deliveries run beside the engine and never block it.
 */
import http from 'node:http';
import https from 'node:https';
import type { Clock } from '../clock/clock';
import { adoDate, randomGuid } from './ids';
import { EVENT_TYPES, type HookEvent } from './webhook-payloads';

/** Where and what to deliver. */
export interface HookTarget {
  url: string;
  /** Default: every event type the emulator publishes. */
  eventTypes?: string[];
  basicAuth?: { username: string; password: string };
  headers?: Record<string, string>;
  /** Only these pipelines (definition ids); default all. */
  pipelineIds?: number[];
}

export interface HookSubscription extends HookTarget {
  id: string;
  eventTypes: string[];
  createdDate: string;
  /** The body a REST caller created it with, echoed back by the Hooks API. */
  rest?: Record<string, unknown>;
}

/** One delivery attempt. */
export interface HookDelivery {
  subscriptionId: string;
  eventId: string;
  eventType: string;
  notificationId: number;
  url: string;
  attempt: number;
  ok: boolean;
  status?: number;
  error?: string;
  at: string;
  /** The JSON body that was POSTed. */
  body: Record<string, unknown>;
}

export interface HookRetryOptions {
  /** Total attempts per notification (default 4). */
  attempts?: number;
  /** First backoff; doubles each retry (default 500 ms). */
  baseMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

interface Queue {
  items: { event: HookEvent; notificationId: number }[];
  running: boolean;
  notificationSeq: number;
}

/**
 * @example
 *   const id = emu.hooks.add({ url: 'http://127.0.0.1:3978/api/ado-events', basicAuth: { username: 'ado', password: secret } });
 *   await emu.hooks.idle();
 */
export class HookRegistry {
  private readonly subs = new Map<string, HookSubscription>();
  private readonly queues = new Map<string, Queue>();
  private readonly log: HookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly attempts: number;
  private readonly baseMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly clock: Clock,
    retry: HookRetryOptions = {},
  ) {
    this.attempts = Math.max(1, retry.attempts ?? 4);
    this.baseMs = retry.baseMs ?? 500;
    this.timeoutMs = retry.timeoutMs ?? 10000;
  }

  add(target: HookTarget, rest?: Record<string, unknown>): string {
    const id = randomGuid();
    this.subs.set(id, {
      ...target,
      id,
      eventTypes:
        target.eventTypes && target.eventTypes.length > 0
          ? [...target.eventTypes]
          : [...EVENT_TYPES],
      createdDate: adoDate(this.clock.now()),
      ...(rest ? { rest } : {}),
    });
    this.queues.set(id, { items: [], running: false, notificationSeq: 0 });
    return id;
  }

  remove(id: string): boolean {
    const q = this.queues.get(id);
    if (q) q.items = [];
    this.queues.delete(id);
    return this.subs.delete(id);
  }

  get(id: string): HookSubscription | undefined {
    return this.subs.get(id.toLowerCase()) ?? this.subs.get(id);
  }

  list(): HookSubscription[] {
    return [...this.subs.values()];
  }

  /** Every attempt so far, oldest first. */
  deliveries(): HookDelivery[] {
    return [...this.log];
  }

  /** Queues the event for every matching subscription. */
  publish(event: HookEvent): void {
    if (this.closed) return;
    for (const sub of this.subs.values()) {
      if (!sub.eventTypes.includes(event.eventType)) continue;
      if (
        sub.pipelineIds &&
        sub.pipelineIds.length > 0 &&
        !sub.pipelineIds.includes(event.pipelineId)
      )
        continue;
      const q = this.queues.get(sub.id)!;
      q.notificationSeq += 1;
      q.items.push({ event, notificationId: q.notificationSeq });
      if (!q.running) void this.drain(sub.id);
    }
  }

  /** Resolves once every queued notification was delivered or gave up. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const q of this.queues.values()) q.items = [];
    this.notifyIdle();
  }

  private isIdle(): boolean {
    return [...this.queues.values()].every((q) => !q.running && q.items.length === 0);
  }

  private notifyIdle(): void {
    if (!this.isIdle() && !this.closed) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private async drain(subId: string): Promise<void> {
    const q = this.queues.get(subId);
    if (!q) return;
    q.running = true;
    try {
      while (!this.closed && q.items.length > 0) {
        const item = q.items.shift()!;
        const sub = this.subs.get(subId);
        if (!sub) break;
        for (let attempt = 1; attempt <= this.attempts && !this.closed; attempt++) {
          const ok = await this.deliver(sub, item.event, item.notificationId, attempt);
          if (ok || attempt === this.attempts) break;
          await this.sleep(this.baseMs * 2 ** (attempt - 1));
        }
      }
    } finally {
      q.running = false;
      this.notifyIdle();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private deliver(
    sub: HookSubscription,
    event: HookEvent,
    notificationId: number,
    attempt: number,
  ): Promise<boolean> {
    const { pipelineId: _p, pipelineName: _n, ...wire } = event;
    const body = { subscriptionId: sub.id, notificationId, ...wire };
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(payload.length),
      'User-Agent': 'VSServices/16.255.0 (Azure DevOps Emulator)',
      Connection: 'close',
      ...(sub.headers ?? {}),
    };
    if (sub.basicAuth) {
      headers.Authorization = `Basic ${Buffer.from(`${sub.basicAuth.username}:${sub.basicAuth.password}`).toString('base64')}`;
    }
    let recorded = false;
    const record = (ok: boolean, status?: number, error?: string): boolean => {
      if (recorded) return ok;
      recorded = true;
      this.log.push({
        subscriptionId: sub.id,
        eventId: event.id,
        eventType: event.eventType,
        notificationId,
        url: sub.url,
        attempt,
        ok,
        ...(status !== undefined ? { status } : {}),
        ...(error !== undefined ? { error } : {}),
        at: adoDate(this.clock.now()),
        body,
      });
      if (this.log.length > 5000) this.log.splice(0, this.log.length - 5000);
      return ok;
    };
    return new Promise((settle) => {
      let settled = false;
      const resolve = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        settle(ok);
      };
      let url: URL;
      try {
        url = new URL(sub.url);
      } catch {
        resolve(record(false, undefined, `invalid url ${sub.url}`));
        return;
      }
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.request(
        url,
        { method: 'POST', headers, agent: false, timeout: this.timeoutMs },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve(record(status >= 200 && status < 300, status));
          });
          res.on('error', (err) => resolve(record(false, res.statusCode, err.message)));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.timeoutMs} ms`)));
      req.on('error', (err) => resolve(record(false, undefined, err.message)));
      req.end(payload);
    });
  }
}
