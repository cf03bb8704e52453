import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockKitProblems, modalProblems } from '../../src/slack/slack-limits';

/** One Web API call the fake received, with its arguments parsed (blocks as objects). */
export interface SlackApiCall {
  method: string;
  args: Record<string, unknown>;
  /** What the fake answered (e.g. a posted message's `ts`); absent for a 429. */
  result?: Record<string, unknown>;
}

/** What the next call to a method answers instead of the usual result. */
export type SlackApiFailure = { status: 429; retryAfterSec: number } | { error: string };

export interface FakeSlackApi {
  /** `SLACK_API_URL` for the WebClient: `http://127.0.0.1:<port>/api/`. */
  url: string;
  token: string;
  calls: SlackApiCall[];
  callsTo(method: string): SlackApiCall[];
  /** The next call to `method` fails this way (once each time it is called). */
  failNext(method: string, failure: SlackApiFailure): void;
  close(): Promise<void>;
}

/** Slack refuses a message text over 40,000 characters (`msg_too_long`). */
const MAX_TEXT = 40_000;

/**
 * A local Slack Web API the real `@slack/web-api` client talks to (nothing reaches slack.com):
 * checks the bot token, records calls, answers `chat.*`, `views.open`, `conversations.open`,
 * `users.info` and `auth.test` as Slack does, refuses what Slack refuses (`invalid_blocks`,
 * `msg_too_long`, `message_not_found`), and can rate-limit a call (HTTP 429 + `Retry-After`).
 * @example const slack = await startFakeSlackApi({ token: 'xoxb-test', users: { U1: { name: 'ada', email: 'ada@digitre.ai' } } });
 */
export async function startFakeSlackApi(opts: {
  token: string;
  users?: Record<string, { name: string; email?: string }>;
}): Promise<FakeSlackApi> {
  const calls: SlackApiCall[] = [];
  const failures = new Map<string, SlackApiFailure[]>();
  const posted = new Map<string, Record<string, unknown>>();
  let clock = 1_700_000_000;

  const answer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    const channel = typeof args.channel === 'string' ? args.channel : undefined;
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0001', user: 'digitre' };
      case 'chat.postMessage':
      case 'chat.postEphemeral':
      case 'chat.update': {
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const refused = messageRefusal(args);
        if (refused) return refused;
        if (method === 'chat.update') {
          const key = `${channel}/${String(args.ts)}`;
          if (!posted.has(key)) return { ok: false, error: 'message_not_found' };
          posted.set(key, args);
          return { ok: true, channel, ts: args.ts, text: args.text };
        }
        const ts = `${clock++}.000100`;
        if (method === 'chat.postEphemeral') return { ok: true, message_ts: ts };
        posted.set(`${channel}/${ts}`, args);
        return { ok: true, channel, ts, message: { ts, text: args.text, blocks: args.blocks } };
      }
      case 'views.open': {
        // Slack refuses a view over its limits, and a trigger id is needed (it expires in 3 s).
        if (!args.trigger_id) return { ok: false, error: 'invalid_trigger_id' };
        const view = (typeof args.view === 'string' ? JSON.parse(args.view) : args.view) as Record<
          string,
          unknown
        >;
        const problems = modalProblems(view ?? {});
        if (problems.length > 0) {
          return {
            ok: false,
            error: 'invalid_arguments',
            response_metadata: { messages: problems },
          };
        }
        return { ok: true, view: { id: `V${clock++}`, ...view } };
      }
      case 'conversations.open': {
        const users = String(args.users ?? '');
        if (!users) return { ok: false, error: 'users_list_not_supplied' };
        return { ok: true, channel: { id: `D${users.split(',')[0]}` } };
      }
      case 'users.info': {
        const user = opts.users?.[String(args.user)];
        if (!user) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: args.user,
            name: user.name,
            real_name: user.name,
            profile: { display_name: user.name, real_name: user.name, email: user.email },
          },
        };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => send(res, 500, { ok: false, error: 'fatal_error' }));
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
    const args = parseArgs(await readBody(req), req.headers['content-type']);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? args.token;
    if (!token) return send(res, 200, { ok: false, error: 'not_authed' });
    if (token !== opts.token) return send(res, 200, { ok: false, error: 'invalid_auth' });
    const call: SlackApiCall = { method, args };
    calls.push(call);
    const failure = failures.get(method)?.shift();
    if (failure && 'status' in failure) {
      res.setHeader('Retry-After', String(failure.retryAfterSec));
      return send(res, 429, { ok: false, error: 'ratelimited' });
    }
    if (failure) return send(res, 200, (call.result = { ok: false, error: failure.error }));
    send(res, 200, (call.result = answer(method, args)));
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    token: opts.token,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    failNext(method, failure) {
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What Slack answers a message it will not post. */
function messageRefusal(args: Record<string, unknown>): Record<string, unknown> | undefined {
  const text = typeof args.text === 'string' ? args.text : '';
  if (!text && args.blocks === undefined) return { ok: false, error: 'no_text' };
  if (text.length > MAX_TEXT) return { ok: false, error: 'msg_too_long' };
  if (args.blocks !== undefined) {
    const problems = blockKitProblems(args.blocks);
    if (problems.length > 0) {
      return { ok: false, error: 'invalid_blocks', errors: problems };
    }
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The WebClient posts forms with nested values as JSON strings; JSON bodies are taken as is. */
function parseArgs(body: string, contentType: string | undefined): Record<string, unknown> {
  if (!body) return {};
  if (contentType?.startsWith('application/json'))
    return JSON.parse(body) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
