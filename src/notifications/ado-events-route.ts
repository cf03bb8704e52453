import type { Request, Response, Server } from 'restify';
import type { Logger } from '../logging/create-logger';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store/store';
import { ADO_EVENTS_QUEUE, parseAdoEvent, type AdoEvent } from './ado-event';
import { checkWebhookAuth } from './check-webhook-auth';
import { isJsonContentType, JSON_ONLY } from '../http/require-json';

/** Service-hook payloads are a few KB; a build.complete with every link stays far below this. */
export const MAX_EVENT_BYTES = 1024 * 1024;

export interface AdoEventsRouteDeps {
  store: Store;
  logger: Logger;
  metrics?: Pick<Metrics, 'webhooks'>;
  /** `ADO_WEBHOOK_SECRET`; undefined = loopback callers only (local mode). */
  secret: string | undefined;
  /** Bodies above this answer 413 (the server-wide body parser may cut earlier). */
  maxBodyBytes?: number;
  /** Called after an event was stored, so processing starts now rather than at the next tick. */
  onAccepted?(event: AdoEvent): void;
}

function bodyOf(req: Request): { ok: true; body: unknown } | { ok: false } {
  const raw: unknown = req.body;
  if (typeof raw === 'string' || Buffer.isBuffer(raw)) {
    // A delivery without a JSON content type reaches us unparsed.
    try {
      return { ok: true, body: JSON.parse(raw.toString()) };
    } catch {
      return { ok: false };
    }
  }
  return { ok: true, body: raw };
}

/**
 * `POST /api/ado-events`, the Azure DevOps Web Hooks consumer: authenticates the delivery,
 * validates the envelope and stores it in the `ado-events` queue BEFORE answering 2xx, so an
 * acknowledged event survives a crash. Processing happens elsewhere (`EventProcessor`); this
 * route never waits on Teams or Azure DevOps. A redelivery of a queued event answers 200 too.
 * @example registerAdoEventsRoute(server, { store, logger, metrics, secret: config.webhookSecret, onAccepted: (event) => processor.accepted(event) });
 */
export function registerAdoEventsRoute(server: Server, deps: AdoEventsRouteDeps): void {
  const limit = deps.maxBodyBytes ?? MAX_EVENT_BYTES;
  const count = (event: string, outcome: string) => deps.metrics?.webhooks.inc({ event, outcome });

  server.post('/api/ado-events', async (req: Request, res: Response) => {
    try {
      // Azure DevOps posts JSON; also checked here for servers without requireJson in front.
      if (!isJsonContentType(req.headers['content-type'])) {
        count('unknown', 'invalid');
        res.send(415, { error: JSON_ONLY });
        return;
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      const received = Buffer.isBuffer(req.body)
        ? req.body.length
        : typeof req.body === 'string'
          ? Buffer.byteLength(req.body)
          : 0;
      if (declared > limit || received > limit) {
        count('unknown', 'too-large');
        res.send(413, { error: `event bodies are limited to ${limit} bytes` });
        return;
      }
      const auth = checkWebhookAuth({
        headers: req.headers,
        remoteAddress: req.socket?.remoteAddress,
        secret: deps.secret,
      });
      if (!auth.ok) {
        count('unknown', 'unauthorized');
        deps.logger.warn(
          { remoteAddress: req.socket?.remoteAddress, reason: auth.reason },
          'service-hook delivery refused',
        );
        res.header('WWW-Authenticate', 'Basic realm="ado-events"');
        res.send(401, { error: 'unauthorized' });
        return;
      }
      const body = bodyOf(req);
      if (!body.ok) {
        count('unknown', 'invalid');
        res.send(400, { error: 'body is not valid JSON' });
        return;
      }
      const parsed = parseAdoEvent(body.body);
      if (!parsed.ok && parsed.unhandled) {
        // Another event type on a shared subscription: a 4xx would put it on probation.
        count('unknown', 'ignored');
        deps.logger.debug({ problem: parsed.problem }, 'service-hook event type not handled');
        res.send(200, { status: 'ignored' });
        return;
      }
      if (!parsed.ok) {
        count('unknown', 'invalid');
        deps.logger.warn({ problem: parsed.problem }, 'service-hook event rejected');
        res.send(400, { error: parsed.problem });
        return;
      }
      const { event } = parsed;
      const added = await deps.store.enqueue(ADO_EVENTS_QUEUE, event.id, event);
      count(event.eventType, added ? 'accepted' : 'duplicate');
      deps.logger.info(
        { eventId: event.id, eventType: event.eventType, duplicate: !added },
        'service-hook event stored',
      );
      res.send(200, { status: added ? 'accepted' : 'duplicate', id: event.id });
      if (added) deps.onAccepted?.(event);
    } catch (err) {
      // The store is down: 503 makes Azure DevOps deliver again later.
      count('unknown', 'error');
      deps.logger.error({ err }, 'could not store a service-hook event');
      if (!res.headersSent) {
        res.header('Retry-After', '5');
        res.send(503, { error: 'temporarily unavailable' });
      }
    }
  });
}
