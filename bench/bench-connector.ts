import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One activity the bot sent to the channel, as the benchmark needs it (no body kept). */
export interface ConnectorHit {
  method: string;
  conversationId: string;
  /** `replyToId` of `POST …/activities/{id}`, or the updated activity id of a PUT. */
  activityId?: string;
  status: number;
  at: number;
  /** With `captureBodies`: the first text of the activity or its card (what the person reads first). */
  summary?: string;
}

/** Decides how the connector answers a send: undefined = 200, else the failure to return. */
export type FailurePolicy = (
  hit: Omit<ConnectorHit, 'status' | 'at'>,
  seq: number,
) => { status: number; headers?: Record<string, string> } | undefined;

export interface BenchConnector {
  /** serviceUrl to put on activities. */
  url: string;
  /** Called on every send the connector answered, as it answers (for reply latency). */
  onHit?: (hit: ConnectorHit) => void;
  failures?: FailurePolicy;
  /** Keep a one-line summary of each activity (costs a JSON parse; off under load). */
  captureBodies: boolean;
  /** Every answered send since the last `reset()`; bounded by `maxHits`. */
  hits: ConnectorHit[];
  reset(): void;
  close(): Promise<void>;
}

/** The Teams member every benchmark activity comes from (devops.lead: admin, deployer, approver). */
export const BENCH_USER = {
  id: '29:bench-user',
  name: 'Bench User',
  aadObjectId: '00000000-0000-0000-0000-0000000be4c4',
  userPrincipalName: 'devops.lead@digitre.example',
};

/**
 * A fast local Bot Framework channel connector for benchmarks: answers
 * `POST/PUT /v3/conversations/{id}/activities[/{id}]` with a fresh id without parsing the body,
 * and `GET …/members/{id}` with {@link BENCH_USER}. A variant of the test suite's fake connector
 * (bench code does not import from `test/`), tuned to stay cheap at thousands of sends a second.
 * @example
 *   const connector = await startBenchConnector();
 *   connector.onHit = (h) => latencies.push(h.at - sentAt.get(h.activityId!)!);
 */
export async function startBenchConnector(maxHits = 100_000): Promise<BenchConnector> {
  let nextId = 1;
  let seq = 0;
  const self: BenchConnector = {
    url: '',
    captureBodies: false,
    hits: [],
    reset() {
      self.hits = [];
      seq = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    if (self.captureBodies) req.on('data', (c: Buffer) => chunks.push(c));
    else req.resume(); // the body is not needed: drain it
    req.on('end', () => {
      const url = req.url ?? '';
      if (req.method === 'GET' && /^\/v3\/conversations\/[^/]+\/members\//.test(url)) {
        send(res, 200, JSON.stringify(BENCH_USER));
        return;
      }
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(url);
      if (!m || (req.method !== 'POST' && req.method !== 'PUT')) {
        send(res, 404, '{"error":{"code":"NotFound"}}');
        return;
      }
      const hit = {
        method: req.method,
        conversationId: decodeURIComponent(m[1]!),
        ...(m[2] !== undefined && { activityId: decodeURIComponent(m[2]) }),
      };
      const failure = self.failures?.(hit, seq++);
      const status = failure?.status ?? 200;
      const done: ConnectorHit = { ...hit, status, at: performance.now() };
      if (self.captureBodies) done.summary = summarize(Buffer.concat(chunks).toString('utf8'));
      if (self.hits.length < maxHits) self.hits.push(done);
      self.onHit?.(done);
      if (failure) {
        res.writeHead(failure.status, {
          'content-type': 'application/json',
          ...failure.headers,
        });
        res.end('{"error":{"code":"Throttled","message":"bench"}}');
        return;
      }
      const id = req.method === 'PUT' ? (hit.activityId ?? '') : `act-${nextId++}`;
      send(res, 200, `{"id":"${id}"}`);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return self;
}

/** writeHead and end as two calls: restify, if loaded in this process, patches writeHead. */
function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

/** The first text a person would read in an activity: its text, else its card's first TextBlock. */
function summarize(body: string): string {
  try {
    const a = JSON.parse(body) as { text?: unknown; attachments?: { content?: unknown }[] };
    if (typeof a.text === 'string' && a.text) return a.text.slice(0, 120);
    const first = (node: unknown, depth: number): string | undefined => {
      if (depth > 8 || node === null || typeof node !== 'object') return undefined;
      const n = node as Record<string, unknown>;
      if (n.type === 'TextBlock' && typeof n.text === 'string') return n.text;
      for (const v of Object.values(n)) {
        const found = first(v, depth + 1);
        if (found) return found;
      }
      return undefined;
    };
    return (first(a.attachments?.[0]?.content, 0) ?? '(no text)').slice(0, 120);
  } catch {
    return '(unreadable body)';
  }
}
