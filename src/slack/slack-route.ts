import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response, Server } from 'restify';
import { SLACK_EVENTS_PATH, type SlackReceiver } from './slack-receiver';

/**
 * Mounts Slack's one request URL, `POST /slack/events`, on our restify server. restify's body
 * parser has already read the body by then; Bolt verifies the signature over the exact bytes, so
 * it gets them back as `rawBody` (restify keeps the text it parsed). Resolves once Slack has its
 * answer (the 200 ack, or 401 for a bad signature); the turn itself runs on after that.
 * @example createHttpServer({ …, extraRoutes: (server) => slackRoute(server, slack) })
 */
export function slackRoute(server: Pick<Server, 'post'>, slack: SlackReceiver): void {
  server.post(SLACK_EVENTS_PATH, async (req: Request, res: Response) => {
    if (fromTheFuture(req.header('x-slack-request-timestamp'))) {
      res.send(401);
      return;
    }
    const raw = rawBodyOf(req as Request & { rawBody?: unknown });
    const node = Object.assign(req as IncomingMessage, { rawBody: raw });
    await new Promise<void>((resolve) => {
      res.once('finish', resolve);
      res.once('close', resolve);
      slack.requestListener(node, res as ServerResponse);
    });
  });
}

/** Slack's window is 5 minutes either way; Bolt only refuses the stale side. */
const WINDOW_SEC = 5 * 60;

function fromTheFuture(timestamp: string | undefined): boolean {
  const sec = Number(timestamp);
  return Number.isFinite(sec) && sec > Date.now() / 1000 + WINDOW_SEC;
}

function rawBodyOf(req: { rawBody?: unknown; body?: unknown }): Buffer {
  for (const candidate of [req.rawBody, req.body]) {
    if (Buffer.isBuffer(candidate)) return candidate;
    if (typeof candidate === 'string') return Buffer.from(candidate, 'utf8');
  }
  // Nothing readable (no body, or a type restify parsed away): verification then fails with 401.
  return Buffer.alloc(0);
}
