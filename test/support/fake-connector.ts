import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  newFakeTokenService,
  serveTokenService,
  type FakeTokenService,
} from './fake-token-service';
import { send } from './send-response';

// The token service moved to its own file; importers of these types from here keep working.
export type { FakeTokenService, TokenServiceCall } from './fake-token-service';

/** One call the bot made to the channel. */
export interface ConnectorCall {
  method: 'POST' | 'PUT';
  /** The conversation, without a `;messageid=` thread suffix (Teams normalizes it away). */
  conversationId: string;
  /**
   * The channel thread it went to: the root message id of a `<channel>;messageid=<root>`
   * conversation id; absent for a top-level post (which starts a thread of its own).
   */
  thread?: string;
  /** replyToId for POST …/activities/{id}; the updated activity id for PUT. */
  activityId?: string;
  /** The id the connector assigned (POST) or the id updated (PUT). */
  id: string;
  activity: Record<string, unknown>;
  at: number;
}

export interface FakeConnector {
  /** serviceUrl to put on activities. */
  url: string;
  calls: ConnectorCall[];
  /** Resolves when `count` calls matching `filter` have arrived (or rejects after timeoutMs). */
  waitFor(
    count: number,
    filter?: (c: ConnectorCall) => boolean,
    timeoutMs?: number,
  ): Promise<ConnectorCall[]>;
  /** Milliseconds to wait before answering each activity call (a slow channel). */
  delayMs: number;
  /** Activity calls that reached the connector, counted on arrival (before `delayMs`). */
  arrived: number;
  /** Teams members the connector knows (`GET …/members/{id}`), by Teams user id. */
  members: Map<string, Record<string, unknown>>;
  /** Answer the next `times` calls with this status (e.g. 429 with Retry-After). */
  failNext(times: number, status: number, headers?: Record<string, string>): void;
  /**
   * An outage: every activity call for the next `ms` is answered with `status` (503, 429…),
   * with `headers` such as `Retry-After` or none, as Teams' connector does when it sheds load.
   */
  failFor(ms: number, status: number, headers?: Record<string, string>): void;
  /** Activity calls the connector refused (during `failNext`/`failFor`), as they were sent. */
  refused: ConnectorCall[];
  /**
   * A message a person posted in a conversation (a channel post the bot's tests then answer):
   * the connector knows it, so replies into its thread are accepted. Resolves its id (a new
   * Teams-like numeric one unless given).
   */
  userPosted(conversationId: string, id?: string): string;
  /**
   * The message is deleted: a reply into its thread and an update of it are refused as Teams
   * refuses them (404).
   */
  deleteMessage(conversationId: string, id: string): void;
  /** The token service on the same port (point `OAuthUrl` at `url`). */
  tokenService: FakeTokenService;
  close(): Promise<void>;
}

/**
 * A local Bot Framework channel connector: accepts what the bot sends to `serviceUrl`
 * (`POST /v3/conversations/{id}/activities[/{replyToId}]`, `PUT …/activities/{id}`) and records it.
 * As Teams: message ids are numeric; a message goes into a channel thread by the conversation id
 * `<channel>;messageid=<root>` (URL-encoded in the path; `replyToId` does not route it), and a
 * thread whose root is no message of that conversation is refused with 404 ConversationNotFound
 * (what Teams answers a post to a thread that is not there); an update may name the conversation
 * with or without the suffix (the service normalizes it), and an update of a message the
 * conversation does not have (never posted there, or deleted) is refused with 404
 * ActivityNotFoundInConversation "Message does not exist in the thread.", as Teams and the
 * Agents Playground refuse it.
 */
export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const waiters: (() => void)[] = [];
  const failures: { status: number; headers: Record<string, string> }[] = [];
  const members = new Map<string, Record<string, unknown>>();
  const refused: ConnectorCall[] = [];
  const outage = { until: 0, failure: { status: 503, headers: {} as Record<string, string> } };
  /** Messages in each conversation (by base id): what a thread may hang under. */
  const messages = new Map<string, Set<string>>();
  const know = (conversationId: string, id: string) => {
    const known = messages.get(conversationId) ?? new Set<string>();
    known.add(id);
    messages.set(conversationId, known);
  };
  let nextId = 1;
  // Teams' message ids are numbers (epoch milliseconds); the SDK checks thread roots are.
  const newId = () => String(1_764_400_000_000 + nextId++);
  const tokenService = newFakeTokenService();

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if ((req.url ?? '').startsWith('/api/')) {
        serveTokenService(tokenService, req, Buffer.concat(chunks).toString('utf8'), res);
        return;
      }
      const member = /^\/v3\/conversations\/[^/]+\/members\/([^/?]+)/.exec(req.url ?? '');
      if (member && req.method === 'GET') {
        const found = members.get(decodeURIComponent(member[1]!));
        if (found) send(res, 200, { 'content-type': 'application/json' }, JSON.stringify(found));
        else
          send(res, 404, { 'content-type': 'application/json' }, '{"error":{"code":"NotFound"}}');
        return;
      }
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
      if (!m || (req.method !== 'POST' && req.method !== 'PUT')) {
        send(res, 404, { 'content-type': 'application/json' }, '{"error":{"code":"NotFound"}}');
        return;
      }
      connector.arrived++;
      if (connector.delayMs > 0) await new Promise((r) => setTimeout(r, connector.delayMs));
      const failure = failures.shift() ?? (Date.now() < outage.until ? outage.failure : undefined);
      if (failure) {
        refused.push(callOf(req, m, chunks, `refused-${refused.length + 1}`));
        res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
        res.end(
          JSON.stringify({ error: { code: 'Throttled', message: `fake ${failure.status}` } }),
        );
        return;
      }
      let activity: Record<string, unknown> = {};
      try {
        activity = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<
          string,
          unknown
        >;
      } catch {
        send(res, 400, {}, '');
        return;
      }
      const { conversationId, thread } = threadOf(decodeURIComponent(m[1]!));
      const pathId = m[2] ? decodeURIComponent(m[2]) : undefined;
      if (
        req.method === 'POST' &&
        thread !== undefined &&
        !messages.get(conversationId)?.has(thread)
      ) {
        const body = {
          error: { code: 'ConversationNotFound', message: 'Conversation not found.' },
        };
        send(res, 404, { 'content-type': 'application/json' }, JSON.stringify(body));
        return;
      }
      if (req.method === 'PUT' && !messages.get(conversationId)?.has(pathId ?? '')) {
        // Teams (and the Agents Playground) on an update of a message the chat does not have.
        const body = {
          error: {
            code: 'ActivityNotFoundInConversation',
            message: 'Message does not exist in the thread.',
          },
        };
        send(res, 404, { 'content-type': 'application/json' }, JSON.stringify(body));
        return;
      }
      const id = req.method === 'PUT' ? pathId! : newId();
      if (req.method === 'POST') know(conversationId, id);
      calls.push({
        method: req.method,
        conversationId,
        ...(thread !== undefined && { thread }),
        activityId: pathId,
        id,
        activity,
        at: Date.now(),
      });
      waiters.splice(0).forEach((w) => w());
      send(res, 200, { 'content-type': 'application/json' }, JSON.stringify({ id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const connector: FakeConnector = {
    delayMs: 0,
    arrived: 0,
    url: `http://127.0.0.1:${port}/`,
    calls,
    members,
    tokenService,
    failNext(times, status, headers = {}) {
      for (let i = 0; i < times; i++) failures.push({ status, headers });
    },
    failFor(ms, status, headers = {}) {
      outage.until = Date.now() + ms;
      outage.failure = { status, headers };
    },
    refused,
    userPosted(conversationId, id = newId()) {
      know(conversationId, id);
      return id;
    },
    deleteMessage(conversationId, id) {
      messages.get(conversationId)?.delete(id);
    },
    waitFor(count, filter = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = calls.filter(filter);
          if (found.length >= count) {
            clearTimeout(timer);
            resolve(found);
          } else waiters.push(check);
        };
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `timed out waiting for ${count} connector calls (have ${calls.filter(filter).length})`,
              ),
            ),
          timeoutMs,
        );
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return connector;
}

/** A conversation id as Teams reads it: the conversation and the thread a suffix names. */
function threadOf(raw: string): { conversationId: string; thread?: string } {
  const m = /^([^;]+);messageid=(.+)$/.exec(raw);
  return m ? { conversationId: m[1]!, thread: m[2]! } : { conversationId: raw };
}

/** The call as recorded, for one the connector refused (its body may not even be JSON). */
function callOf(
  req: IncomingMessage,
  m: RegExpExecArray,
  chunks: Buffer[],
  id: string,
): ConnectorCall {
  let activity: Record<string, unknown> = {};
  try {
    activity = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<
      string,
      unknown
    >;
  } catch {
    /* recorded as empty */
  }
  const { conversationId, thread } = threadOf(decodeURIComponent(m[1]!));
  return {
    method: req.method === 'PUT' ? 'PUT' : 'POST',
    conversationId,
    ...(thread !== undefined && { thread }),
    activityId: m[2] ? decodeURIComponent(m[2]) : undefined,
    id,
    activity,
    at: Date.now(),
  };
}
