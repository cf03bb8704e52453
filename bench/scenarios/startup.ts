import http from 'node:http';
import { freePort, type Harness } from '../harness';

export interface StartupSample {
  /** Fork → first 200 from GET /readyz. */
  readyzMs: number;
  /** RSS 1 s after ready, no traffic. */
  idleRss: number;
}

/** One GET; resolves the status (0 when nothing listens yet). */
function status(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(1000, () => req.destroy());
  });
}

/**
 * Scenario 5a: start-up time to `/readyz` and idle RSS. The bot is forked on a known port and
 * `/readyz` polled every 5 ms from the moment of the fork, so the time includes loading Node,
 * the modules, the catalog and the store.
 */
export async function measureStartup(
  h: Harness,
  which: 'bot' | 'echo',
  reps: number,
): Promise<StartupSample[]> {
  const samples: StartupSample[] = [];
  for (let i = 0; i < reps; i++) {
    const port = await freePort();
    const t0 = performance.now();
    let readyzMs = NaN;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        if ((await status(port, '/readyz')) === 200) {
          readyzMs = performance.now() - t0;
          return;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const child = which === 'bot' ? await h.forkBot({ port }) : await h.forkEcho({ port });
    try {
      await Promise.race([poll, new Promise((r) => setTimeout(r, 5_000))]);
      polling = false;
      await new Promise((r) => setTimeout(r, 1_000));
      const s = await child.stats();
      samples.push({ readyzMs, idleRss: s.rss });
    } finally {
      polling = false;
      await child.stop();
    }
  }
  return samples;
}
