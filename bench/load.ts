import http from 'node:http';
import type { BenchConnector, ConnectorHit } from './bench-connector';

/** How to drive a bot: a fixed (open-loop) rate, or N connections back to back. */
export type LoadShape =
  | { kind: 'rate'; perSecond: number; seconds: number }
  | { kind: 'closed'; connections: number; seconds: number }
  | { kind: 'count'; connections: number; total: number };

/**
 * Conversations to post from, each with at most one command in flight, so the first send the
 * connector sees in a conversation after a post is that post's reply — whether the bot posts a
 * new message or updates its card in place (`status <run>` again in the same chat is a PUT).
 * Keep one pool per target across loads: a conversation's first use costs more (a new card).
 */
export class ConversationPool {
  private readonly free: string[] = [];
  private created = 0;
  constructor(private readonly prefix: string) {}
  acquire(): string {
    return this.free.pop() ?? `${this.prefix}-${this.created++}`;
  }
  release(id: string): void {
    this.free.push(id);
  }
}

export interface LoadTarget {
  /** http://host:port of the bot. */
  url: string;
  connector: BenchConnector;
  conversations: ConversationPool;
  /** The request body for activity `id` in `conversationId`. */
  body(id: string, conversationId: string): string;
  /** Unique prefix for activity ids of this load. */
  tag: string;
}

export interface LoadResult {
  sent: number;
  /** HTTP 2xx answers. */
  ok: number;
  /** Non-2xx answers and socket errors. */
  failed: number;
  /** Commands whose turn ended without a reply reaching the connector. */
  missingReplies: number;
  /** From the first send to the last HTTP answer. */
  elapsedMs: number;
  /** Time to the HTTP answer of /api/messages (the turn finished). */
  httpMs: number[];
  /** Time until the connector received the reply activity. */
  replyMs: number[];
}

/** More than this in flight at a fixed rate means the bot cannot keep up: stop adding. */
const MAX_IN_FLIGHT = 400;

/**
 * Posts activities to `/api/messages` with unique ids in a bounded loop and measures both the
 * HTTP answer and the moment the reply reaches the connector.
 * @example const r = await drive({ url, connector, body: (id) => messageBody('help', id, connector.url), tag: 'h' }, { kind: 'rate', perSecond: 50, seconds: 5 });
 */
export async function drive(target: LoadTarget, shape: LoadShape): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const { hostname, port } = new URL(target.url);
  /** Conversation → when its in-flight command was posted. */
  const sentAt = new Map<string, number>();
  const httpMs: number[] = [];
  const replyMs: number[] = [];
  let sent = 0;
  let ok = 0;
  let failed = 0;
  let inFlight = 0;
  let lastAnswer = 0;
  const previousHit = target.connector.onHit;
  let missing = 0;
  target.connector.onHit = (hit: ConnectorHit) => {
    const t = sentAt.get(hit.conversationId);
    if (t !== undefined) {
      replyMs.push(hit.at - t);
      sentAt.delete(hit.conversationId);
    }
  };

  const post = (): Promise<void> => {
    const id = `${target.tag}-${sent++}`;
    const conversationId = target.conversations.acquire();
    const body = target.body(id, conversationId);
    inFlight++;
    const done = () => {
      // The turn is over, so its reply (if any) has been sent.
      if (sentAt.delete(conversationId)) missing++;
      target.conversations.release(conversationId);
      inFlight--;
    };
    return new Promise<void>((resolve) => {
      const t0 = performance.now();
      sentAt.set(conversationId, t0);
      const req = http.request(
        {
          agent,
          hostname,
          port,
          method: 'POST',
          path: '/api/messages',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const t = performance.now();
            lastAnswer = t;
            httpMs.push(t - t0);
            if (res.statusCode !== undefined && res.statusCode < 300) ok++;
            else failed++;
            done();
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        done();
        lastAnswer = performance.now();
        resolve();
      });
      req.end(body);
    });
  };

  const start = performance.now();
  const pending: Promise<void>[] = [];
  if (shape.kind === 'rate') {
    const interval = 1000 / shape.perSecond;
    const total = Math.round(shape.perSecond * shape.seconds);
    for (let i = 0; i < total; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      if (inFlight >= MAX_IN_FLIGHT) {
        failed++; // counted as a failure: the bot fell this far behind
        sent++;
        continue;
      }
      pending.push(post());
    }
  } else {
    const deadline = shape.kind === 'closed' ? start + shape.seconds * 1000 : Infinity;
    const limit = shape.kind === 'count' ? shape.total : Infinity;
    const worker = async () => {
      while (performance.now() < deadline && sent < limit) await post();
    };
    pending.push(...Array.from({ length: shape.connections }, worker));
  }
  await Promise.all(pending);
  target.connector.onHit = previousHit;
  agent.destroy();
  return {
    sent,
    ok,
    failed,
    missingReplies: missing,
    elapsedMs: (lastAnswer || performance.now()) - start,
    httpMs,
    replyMs,
  };
}
