/** A scripted failure for matching requests. */
export interface FaultRule {
  method?: string;
  /** Tested against the path and query string. */
  path?: RegExp;
  /** Answer with this status (429 gets Retry-After, X-RateLimit-* and the TF400733 message). */
  status?: number;
  retryAfterSeconds?: number;
  /** Delay before answering (before the work, or after it with `afterResponse`). */
  latencyMs?: number;
  /** Destroy the socket instead of answering. */
  drop?: boolean;
  /** Do the work first, then drop / delay / answer `status`: "the run was created but the client timed out". */
  afterResponse?: boolean;
  /** How many requests it hits; unlimited when omitted. */
  times?: number;
  /** Chance (0..1) that a matching request is hit. */
  probability?: number;
}

/** Rate-limit headers added to successful answers (the "warning before throttling" regime). */
export interface RateLimitHeaderMode {
  remaining: number;
  limit?: number;
  resource?: string;
  resetSeconds?: number;
  /** Also send Retry-After (and X-RateLimit-Delay) on these successful answers. */
  retryAfterSeconds?: number;
}

/**
 * Scriptable network and server faults.
 * @example emu.faults.add({ method: 'POST', path: /\/runs/, status: 429, retryAfterSeconds: 2, times: 1 })
 */
export class FaultInjector {
  private rules = new Map<string, FaultRule & { hits: number }>();
  private seq = 0;
  private rateMode: RateLimitHeaderMode | null = null;

  add(rule: FaultRule): string {
    const id = `fault-${++this.seq}`;
    this.rules.set(id, { ...rule, hits: 0 });
    return id;
  }

  remove(id: string): boolean {
    return this.rules.delete(id);
  }

  clear(): void {
    this.rules.clear();
    this.rateMode = null;
  }

  /** Adds X-RateLimit-* headers to every successful answer; `null` turns it off. */
  rateLimitHeaders(mode: RateLimitHeaderMode | null): void {
    this.rateMode = mode;
  }

  rateLimitMode(): RateLimitHeaderMode | null {
    return this.rateMode;
  }

  /** The first rule hitting this request; counts the hit. */
  match(method: string, pathAndQuery: string): FaultRule | undefined {
    for (const [id, rule] of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path && !rule.path.test(pathAndQuery)) continue;
      if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
      rule.hits += 1;
      if (rule.times !== undefined && rule.hits >= rule.times) this.rules.delete(id);
      return rule;
    }
    return undefined;
  }
}
