import type { Server } from 'restify';
import type { CardSigner } from '../actions/card-signer';
import { RateLimiter } from '../auth/rate-limiter';
import type { Clock } from '../clock/clock';
import type { CommandDeps } from '../commands/command-spec';
import type { SlackConfig } from '../config/app-config';
import type { Logger } from '../logging/create-logger';
import type { Metrics } from '../metrics/metrics';
import type { DeliveryLedger } from '../core/delivery-ledger';
import type { Publisher } from '../publisher/publisher';
import type { Store } from '../store/store';
import { SlackChannel } from './slack-channel';
import { SlackChatChannel } from './slack-chat-channel';
import { createSlackReceiver } from './slack-receiver';
import { slackRoute } from './slack-route';
import { createSlackTransport } from './slack-transport';

/** What the composition root gets for Slack: the channel first, the transport once deps exist. */
export interface SlackSide {
  /** Slack as the publisher's channel (the notifications publisher routes Slack chats to it). */
  channel: SlackChatChannel;
  /** The receiver and transport over the turn pipeline; mount `route` on the http server. */
  attach(opts: {
    deps: CommandDeps;
    signer: CardSigner;
    publisher: Publisher;
    metrics?: Metrics;
    /** Which deliveries are done, shared with the Teams transport. */
    ledger?: DeliveryLedger;
  }): { route(server: Server): void; close(): Promise<void> };
}

/**
 * The Slack side of the app in one place (loaded only when `config.slack` is set, so a
 * Teams-only start never loads Bolt): the Web API client pointed at `SLACK_API_URL`, the
 * channel, and later the receiver on `POST /slack/events` feeding the Slack transport.
 * @example
 *   const slack = startSlack({ config: config.slack, store, logger, clock, secrets });
 *   const http = createHttpServer({ …, extraRoutes: (s) => slack.attach({ deps, signer, publisher }).route(s) });
 */
export function startSlack(opts: {
  config: SlackConfig;
  store: Store;
  logger: Logger;
  clock: Clock;
  secrets?: readonly string[];
  /** Commands per person per minute (`CHATOPS_RATE_LIMIT`, as on Teams); 0 = unlimited. */
  rateLimitPerMinute?: number;
}): SlackSide {
  const { config, store, logger } = opts;
  const perMinute = opts.rateLimitPerMinute ?? 0;
  const rateLimiter =
    perMinute > 0
      ? new RateLimiter({
          perMinute,
          burst: Math.max(1, Math.ceil(perMinute / 2)),
          clock: opts.clock,
        })
      : undefined;
  const api = new SlackChannel({ botToken: config.botToken, apiUrl: config.apiUrl, logger });
  const channel = new SlackChatChannel({
    slack: api,
    store,
    ...(opts.secrets && { secrets: opts.secrets }),
  });
  return {
    channel,
    attach(a) {
      const transport = createSlackTransport({
        ...a,
        logger,
        channel,
        ...(rateLimiter && { rateLimiter }),
      });
      const receiver = createSlackReceiver({
        signingSecret: config.signingSecret,
        botToken: config.botToken,
        ...(config.apiUrl !== undefined && { apiUrl: config.apiUrl }),
        store,
        logger,
        onTurn: (turn) => transport.handle(turn),
        lookupPerson: (id) => api.person(id),
      });
      return {
        route: (server) => slackRoute(server, receiver),
        close: () => receiver.idle(),
      };
    },
  };
}
