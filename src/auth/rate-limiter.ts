import { systemClock, type Clock } from '../clock/clock';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiterOptions {
  /** Sustained rate: tokens added per minute. Default 20. */
  perMinute?: number;
  /** Bucket size: how many commands may arrive at once after a quiet spell. Default 10. */
  burst?: number;
  /** Default systemClock. */
  clock?: Clock;
  /**
   * Most actors tracked at once. Beyond it the fullest buckets (idle actors) are dropped, so a
   * flood of fresh ids cannot grow memory without bound. Default 10 000.
   */
  maxActors?: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
}

/**
 * Per-person command rate limit: a token bucket keyed by actor id, so one person (or a stolen
 * account, or a script) cannot flood Azure DevOps through the bot, and others are unaffected.
 * In-process: with several replicas each enforces its own limit, which still bounds the total.
 * @example
 *   const limiter = new RateLimiter({ perMinute: 20, burst: 10 });
 *   const d = limiter.take(actor.id);
 *   if (!d.allowed) return rateLimitedReply(d.retryAfterMs);
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerMs: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private readonly maxActors: number;

  constructor(opts: RateLimiterOptions = {}) {
    const perMinute = opts.perMinute ?? 20;
    this.burst = opts.burst ?? 10;
    if (!(perMinute > 0) || !(this.burst >= 1)) {
      throw new RangeError('RateLimiter: perMinute must be > 0 and burst >= 1');
    }
    this.ratePerMs = perMinute / 60_000;
    this.clock = opts.clock ?? systemClock;
    this.maxActors = opts.maxActors ?? 10_000;
  }

  /** Spends one token for `actorId` if there is one; otherwise says how long until there is. */
  take(actorId: string): RateDecision {
    const now = this.clock.now();
    const bucket = this.refill(actorId, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterMs: Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerMs - 1e-6)),
    };
  }

  /** Tokens `actorId` has right now (for tests and metrics). */
  remaining(actorId: string): number {
    const b = this.buckets.get(actorId);
    if (!b) return this.burst;
    return Math.min(this.burst, b.tokens + Math.max(0, this.clock.now() - b.at) * this.ratePerMs);
  }

  /** Actors currently tracked. */
  get size(): number {
    return this.buckets.size;
  }

  private refill(actorId: string, now: number): Bucket {
    let b = this.buckets.get(actorId);
    if (!b) {
      if (this.buckets.size >= this.maxActors) this.evict(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(actorId, b);
      return b;
    }
    // A clock that steps backwards (manual clocks, NTP) must not mint or destroy tokens.
    const elapsed = Math.max(0, now - b.at);
    b.tokens = Math.min(this.burst, b.tokens + elapsed * this.ratePerMs);
    b.at = Math.max(b.at, now);
    return b;
  }

  /**
   * Makes room by dropping the fullest tenth of the buckets: idle actors first, and never the
   * actors who are being limited right now (dropping them would hand them a fresh burst).
   * Batching keeps a flood of new ids at amortised O(log n) per call.
   */
  private evict(now: number): void {
    const level = (b: Bucket) => b.tokens + Math.max(0, now - b.at) * this.ratePerMs;
    const byFullness = [...this.buckets].sort(([, a], [, b]) => level(b) - level(a));
    const drop = Math.max(1, Math.ceil(this.maxActors / 10));
    for (const [id] of byFullness.slice(0, drop)) this.buckets.delete(id);
  }
}
