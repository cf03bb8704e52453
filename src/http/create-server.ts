import type { Request, Response, Server } from 'restify';
import { restify } from './load-restify';
import type { Logger } from '../logging/create-logger';
import type { Metrics } from '../metrics/metrics';
import { requireJson } from './require-json';

/**
 * What `/api/messages` needs of the chat transport, without naming its SDK: the adapter that
 * authenticates a request and makes a turn of it (botbuilder's CloudAdapter), and the bot that
 * runs the turn (src/bot). Only the transport imports botbuilder.
 */
export interface MessageAdapter<C> {
  process(req: Request, res: Response, logic: (context: C) => Promise<void>): Promise<void>;
}

export interface HttpServerOptions<C = never> {
  adapter: MessageAdapter<C>;
  bot: { run(context: C): Promise<void> };
  logger: Logger;
  metrics: Metrics;
  /** Largest accepted request body; bigger ones get 413. */
  maxBodyBytes: number;
  /** Extra readiness checks (store open, catalog loaded, …). */
  isReady(): boolean;
  /** More routes (e.g. `/api/ado-events`) registered by the composition root. */
  extraRoutes?(server: Server): void;
}

export interface HttpServer {
  server: Server;
  /** Turns being handled right now. */
  inFlight(): number;
  /** Stops accepting, waits for in-flight turns (up to `timeoutMs`), then closes. */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * The restify server: `/api/messages` through the CloudAdapter, health, readiness, metrics.
 * @example const http = createHttpServer({ adapter, bot, logger, metrics, maxBodyBytes: 256_000, isReady });
 */
export function createHttpServer<C>(opts: HttpServerOptions<C>): HttpServer {
  const server = restify.createServer({ name: 'digitre-chatops', handleUncaughtExceptions: false });
  let inFlight = 0;
  let closing = false;
  const drained: (() => void)[] = [];

  server.use(restify.plugins.queryParser({ mapParams: false }));
  // Before the body parser: a form or multipart post never becomes an activity or an event.
  server.use(requireJson(['/api/messages', '/api/ado-events']));
  server.use(
    restify.plugins.bodyParser({
      maxBodySize: opts.maxBodyBytes,
      mapParams: false,
      mapFiles: false,
    }),
  );

  server.post('/api/messages', async (req: Request, res: Response) => {
    if (closing) {
      res.header('Retry-After', '1');
      res.send(503, { error: 'shutting down' });
      return;
    }
    if (
      req.body === undefined ||
      req.body === null ||
      typeof req.body !== 'object' ||
      Array.isArray(req.body)
    ) {
      res.send(400, { error: 'expected a Bot Framework activity as a JSON object' });
      return;
    }
    const problem = activityProblem(req.body as Record<string, unknown>);
    if (problem) {
      // The sender's mistake, not ours: one warning line, no stack (a flood must not flood logs).
      opts.logger.warn({ problem }, 'malformed activity refused');
      res.send(400, { error: problem });
      return;
    }
    inFlight++;
    const end = opts.metrics.turnSeconds.startTimer({ kind: 'message' });
    try {
      await opts.adapter.process(req, res, (context) => opts.bot.run(context));
    } catch (err) {
      opts.logger.error({ err }, 'adapter failed to process a request');
      if (!res.headersSent) res.send(500, { error: 'internal error' });
    } finally {
      end();
      inFlight--;
      if (inFlight === 0) drained.splice(0).forEach((f) => f());
    }
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req: Request, res: Response) => {
    const ready = !closing && opts.isReady();
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
  });
  server.get('/metrics', async (_req: Request, res: Response) => {
    const body = await opts.metrics.registry.metrics();
    res.setHeader('Content-Type', opts.metrics.registry.contentType);
    res.sendRaw(200, body);
  });
  opts.extraRoutes?.(server);

  return {
    server,
    inFlight: () => inFlight,
    async close(timeoutMs = 10_000) {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would hold close() open; busy ones finish their turn first.
      server.server.closeIdleConnections?.();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => drained.push(resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
        ]);
      }
      server.server.closeAllConnections?.();
      await stopped;
    },
  };
}

/**
 * What botbuilder needs of an activity before it can even answer it: without these it throws
 * deep inside the turn, and the failure and the failed error reply were each logged with a stack.
 */
function activityProblem(body: Record<string, unknown>): string | undefined {
  if (typeof body.type !== 'string' || typeof body.serviceUrl !== 'string') {
    return 'an activity needs a string type and serviceUrl';
  }
  if (!isHttpUrl(body.serviceUrl)) return 'serviceUrl must be an http(s) URL';
  const conversation = body.conversation as { id?: unknown } | null | undefined;
  if (typeof conversation?.id !== 'string' || conversation.id === '') {
    return 'an activity needs a conversation with an id';
  }
  return undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
