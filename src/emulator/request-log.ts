/** One request as the emulator answered it. */
export interface RequestLogEntry {
  method: string;
  /** Path and query, e.g. `/digitre/DigitRE/_apis/build/builds?definitions=1`. */
  path: string;
  status: number;
  at: string;
  userAgent: string;
}

/**
 * Every request the emulator served (bounded), for tests that assert on the wire conversation.
 * @example emu.requestLog.count({ method: 'OPTIONS', path: /_apis\/build$/i })
 */
export class RequestLog {
  private items: RequestLogEntry[] = [];
  constructor(private readonly max = 10000) {}

  record(entry: RequestLogEntry): void {
    this.items.push(entry);
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
  }

  entries(): RequestLogEntry[] {
    return [...this.items];
  }

  count(filter: { method?: string; path?: RegExp } = {}): number {
    return this.items.filter(
      (e) =>
        (!filter.method || e.method.toUpperCase() === filter.method.toUpperCase()) &&
        (!filter.path || filter.path.test(e.path)),
    ).length;
  }

  clear(): void {
    this.items = [];
  }
}
