/**
 * The child side of the benchmark's IPC: a bench child (the bot or the echo baseline) reports
 * its URL once it listens and answers `stats` requests with its own CPU time and memory, so the
 * benchmark can charge each process for what it spent.
 */

/** What a child reports about itself. */
export interface ChildStats {
  /** process.cpuUsage() user + system, microseconds since start. */
  cpuMicros: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** C++ objects bound to JS (Buffers, SQLite statements…), arrayBuffers included. */
  external: number;
  arrayBuffers: number;
  /** The bot's store calls so far, by method (the echo floor has no store). */
  storeCalls?: Record<string, number>;
}

export type ParentMessage = { type: 'stats'; gc?: boolean } | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready'; url: string }
  | ({ type: 'stats' } & ChildStats)
  | { type: 'failed'; message: string };

/**
 * Announces `url` to the parent and serves stats until told to stop; `close` runs before exit.
 * @example const app = await startApp(config); serveParent(app.url, () => app.close());
 */
export function serveParent(
  url: string,
  close: () => Promise<void>,
  extra: () => Partial<ChildStats> = () => ({}),
): void {
  const send = (m: ChildMessage) => process.send?.(m);
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'stats') {
      // With --expose-gc the parent can ask for a collection first (leak checks).
      const gc = (globalThis as { gc?: () => void }).gc;
      const collect = m.gc && gc ? settleAfterGc(gc) : Promise.resolve();
      void collect.then(() => {
        const cpu = process.cpuUsage();
        const mem = process.memoryUsage();
        send({
          type: 'stats',
          cpuMicros: cpu.user + cpu.system,
          rss: mem.rss,
          heapUsed: mem.heapUsed,
          heapTotal: mem.heapTotal,
          external: mem.external,
          arrayBuffers: mem.arrayBuffers,
          ...extra(),
        });
      });
    } else if (m.type === 'stop') {
      close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    }
  });
  // The parent went away: do not linger.
  process.on('disconnect', () => {
    close().finally(() => process.exit(0));
  });
  send({ type: 'ready', url });
}

/**
 * Two full collections, then waits (≤ 3 s) until RSS stops falling: V8 hands the pages it freed
 * back to the OS from a background task, and RSS read at once still counts them (measured:
 * 194 MB right after the GC, 156 MB a second later, the heap unchanged). Reading it at once made
 * the leak check compare arbitrary moments of that release.
 */
async function settleAfterGc(gc: () => void): Promise<void> {
  gc();
  gc();
  let last = process.memoryUsage.rss();
  for (let i = 0; i < 30; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = process.memoryUsage.rss();
    if (last - now < 256 * 1024 && i >= 4) return;
    last = now;
  }
}

/** Reports a start-up failure to the parent and exits. */
export function failToParent(err: unknown): never {
  process.send?.({ type: 'failed', message: (err as Error)?.stack ?? String(err) });
  process.exit(1);
}
