import { App, HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../logging/create-logger';
import { once } from '../store/once';
import type { Store } from '../store/store';
import { CARD_VERBS } from '../cards/card-verbs';
import { boltLogger } from './bolt-logger';
import { DECISION_BLOCK_ID, DECISION_CALLBACK_ID } from './decision-modal';
import type { SlackTurn } from './slack-turn';
import {
  blockActionTurn,
  messageEventTurn,
  slashCommandTurn,
  type BlockActionBody,
  type MessageEventBody,
  type SlashCommandBody,
  viewSubmissionTurn,
  type ViewSubmissionBody,
} from './to-slack-turn';

/** Bolt's convention: events, slash commands and interactivity all post here. */
export const SLACK_EVENTS_PATH = '/slack/events';
/** The slash command the manifest registers. */
export const SLACK_COMMAND = '/digitre';
/** The bot events the receiver listens to, and the scope Slack requires for each. */
export const SLACK_BOT_EVENTS: Readonly<Record<string, string>> = {
  app_mention: 'app_mentions:read',
  'message.im': 'im:history',
};
/** Slack retries for about an hour; a day covers it with room to spare. */
const DEDUPE_TTL_MS = 24 * 3600_000;

export interface SlackReceiverOptions {
  signingSecret: string;
  botToken: string;
  /** Web API base ending with `/api/` (tests: the fake Slack); absent = Slack's. */
  apiUrl?: string;
  /** Deliveries are deduplicated here, across replicas. */
  store: Store;
  logger: Logger;
  /** The conversation core's entry point; runs after Slack has its 200. */
  onTurn(turn: SlackTurn): Promise<void>;
  /** Fills the actor's email and name (users.info) before `onTurn`; absent = left as Slack sent. */
  lookupPerson?(slackUserId: string): Promise<{ email?: string; name?: string } | undefined>;
}

/** The receiver the HTTP server mounts: one request listener for `POST /slack/events`. */
export interface SlackReceiver {
  /** Node's request listener; the body may already be buffered (`rawBody`) by the server. */
  requestListener: HTTPReceiver['requestListener'];
  /** Turns acknowledged but still being handled. */
  inFlight(): number;
  /** Resolves when every acknowledged turn has been handled (shutdown, tests). */
  idle(): Promise<void>;
}

/**
 * Bolt with its own request verification (HMAC-SHA256 of `v0:{timestamp}:{body}`, a 5-minute
 * window, constant-time compare: anything else is 401) on one URL. Each request is acknowledged
 * first (Slack gives 3 s), then turned into a {@link SlackTurn}, deduplicated by its delivery id
 * through the store (Slack's `X-Slack-Retry-Num` retries, or two replicas), and handed to `onTurn`.
 * @example
 * const slack = createSlackReceiver({ signingSecret, botToken, store, logger, onTurn: core.handle });
 * slackRoute(http.server, slack);
 */
export function createSlackReceiver(opts: SlackReceiverOptions): SlackReceiver {
  const logger = boltLogger(opts.logger);
  const receiver = new HTTPReceiver({
    signingSecret: opts.signingSecret,
    endpoints: [SLACK_EVENTS_PATH],
    logger,
  });
  let identity: Promise<{ botId?: string; botUserId?: string }> | undefined;
  const app: App = new App({
    receiver,
    logger,
    // Bolt's client asks only auth.test: fast, once, never sleeping through Slack's 3 s budget.
    clientOptions: {
      slackApiUrl: opts.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 2000,
    },
    // Who the bot is (for Bolt's ignoreSelf), asked once. Without an answer the request still goes
    // on (bot posts are dropped by their bot_id anyway) and the next request asks again.
    authorize: async () => {
      identity ??= app.client.auth.test({ token: opts.botToken }).then((r) => ({
        botId: r.bot_id,
        botUserId: r.user_id,
      }));
      const who = await identity.catch((err: unknown) => {
        identity = undefined;
        opts.logger.warn({ err }, 'slack auth.test failed; check SLACK_BOT_TOKEN');
        return {};
      });
      return { botToken: opts.botToken, ...who };
    },
  });

  const pending = new Set<Promise<void>>();
  const handle = (turn: SlackTurn | undefined) => {
    if (!turn) return;
    const work = deliver(turn, opts).catch((err: unknown) =>
      opts.logger.error({ err, deliveryId: turn.deliveryId }, 'slack turn failed'),
    );
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  app.command(SLACK_COMMAND, async ({ ack, command }) => {
    await ack();
    handle(slashCommandTurn(command as SlashCommandBody));
  });
  app.action(/.*/, async ({ ack, body }) => {
    await ack();
    if (body.type === 'block_actions') handle(blockActionTurn(body as BlockActionBody));
  });
  // The decision modal: answered within Slack's 3 s, the decision itself runs after.
  app.view(DECISION_CALLBACK_ID, async ({ ack, body }) => {
    const turn = viewSubmissionTurn(body as unknown as ViewSubmissionBody);
    if (turn?.kind === 'action' && turn.actionId === CARD_VERBS.reject && !turn.comment) {
      // Slack marks the reason required, but the submission is a request anyone signed could send.
      await ack({
        response_action: 'errors',
        errors: { [DECISION_BLOCK_ID]: 'Say why you reject it' },
      });
      return;
    }
    await ack();
    if (!turn) opts.logger.warn('slack decision modal with unreadable metadata ignored');
    handle(turn);
  });
  // Events are acknowledged by Bolt before listeners run.
  app.event('app_mention', async ({ body }) => handle(messageEventTurn(body as MessageEventBody)));
  app.event('message', async ({ body, event }) => {
    // DMs only, and only what a person typed (no edits, joins, bot posts).
    if (event.channel_type !== 'im' || event.subtype !== undefined) return;
    handle(messageEventTurn(body as MessageEventBody));
  });
  app.error(async (err) => opts.logger.error({ err }, 'slack request failed'));

  return {
    requestListener: receiver.requestListener,
    inFlight: () => pending.size,
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

async function deliver(turn: SlackTurn, opts: SlackReceiverOptions): Promise<void> {
  if (!(await once(opts.store, `slack:${turn.deliveryId}`, DEDUPE_TTL_MS))) {
    opts.logger.info({ deliveryId: turn.deliveryId }, 'slack retry of a handled delivery ignored');
    return;
  }
  const person = await opts.lookupPerson?.(turn.actor.slackUserId).catch((err: unknown) => {
    // Without the email the core cannot match the person; it answers that, rather than nobody.
    opts.logger.warn({ err }, 'slack users.info failed');
    return undefined;
  });
  if (person) {
    turn = {
      ...turn,
      actor: { ...turn.actor, email: person.email, name: person.name ?? turn.actor.name },
    };
  }
  await opts.onTurn(turn);
}
