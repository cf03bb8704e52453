import { CloudAdapter, type Activity, type TurnContext } from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { CARD_ACTIONS } from '../actions/card-actions';
import type { CardSigner } from '../actions/card-signer';
import { RateLimiter } from '../auth/rate-limiter';
import { TenantPolicy } from '../auth/tenant-policy';
import { UserTokenExchanger } from '../auth/user-token';
import type { Catalog } from '../catalog/catalog-schema';
import type { Clock } from '../clock/clock';
import type { CommandDeps } from '../commands/command-spec';
import { messageReply } from '../commands/message-reply';
import type { Reply } from '../commands/reply';
import type { AppConfig } from '../config/load-config';
import { saveConversation } from '../conversations/save-conversation';
import type { Logger } from '../logging/create-logger';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store/store';
import { createBotFrameworkAuthentication } from './bot-framework-authentication';
import { conversationFromActivity } from './actor-from-activity';
import { ChatOpsBot } from './chatops-bot';
import { conversationInfoFromActivity, handleInstallation } from './on-installation';
import { onTurnError } from './on-turn-error';
import { PersonSignIn } from './person-sign-in';
import type { DeliveryLedger } from '../core/delivery-ledger';
import type { Publisher } from '../publisher/publisher';

export interface TeamsTransportOptions {
  config: Pick<AppConfig, 'bot' | 'userAuth' | 'allowedTenants' | 'rateLimitPerMinute'>;
  catalog: Catalog;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Reply value → the activity to send (cards rendered from templates, secrets masked). */
  toActivity(reply: Reply): Partial<Activity>;
  /** How the bot gets its own outgoing token (botbuilder's extension point); default MSAL. */
  botCredentialsFactory?: ServiceClientCredentialsFactory;
  /** The on-behalf-of exchange; default `@azure/identity` against `config.userAuth.obo`. */
  userTokenExchanger?: Pick<UserTokenExchanger, 'actAs'>;
}

/** What the bot needs that is built after the adapter (notifications need the adapter first). */
export interface TeamsBotOptions {
  deps: CommandDeps;
  metrics: Metrics;
  signer: CardSigner;
  /** The one way out to a chat (its outbox takes what Teams would not take in time). */
  publisher: Publisher;
  /** Which deliveries are done, shared by every transport of this process. */
  ledger?: DeliveryLedger;
}

export interface TeamsTransport {
  /** Authenticates `/api/messages` and sends proactively (notifications use it too). */
  adapter: CloudAdapter;
  /** The Teams bot: the turn pipeline behind the Teams activity handler. */
  bot(opts: TeamsBotOptions): ChatOpsBot;
}

/**
 * The Teams side of the app in one place: the CloudAdapter (botbuilder validates every request:
 * signature, issuer, audience, expiry, serviceUrl), its turn-error answer, acting as the person,
 * the tenant boundary, the rate limit and the bot. `/api/messages` is `createHttpServer({ adapter,
 * bot })`.
 * @example
 *   const teams = createTeamsTransport({ config, catalog, store, clock, logger, toActivity });
 *   const bot = teams.bot({ deps, metrics, signer, publisher: notifications.publisher });
 */
export function createTeamsTransport(o: TeamsTransportOptions): TeamsTransport {
  const { config, store, clock, logger, toActivity } = o;
  const adapter = new CloudAdapter(
    createBotFrameworkAuthentication(config.bot, o.botCredentialsFactory),
  );
  adapter.onTurnError = onTurnError(logger, (ref) =>
    toActivity(
      messageReply(
        'attention',
        'Something went wrong on my side',
        `I could not finish that. Please try again; if it keeps failing, give the DevOps team this reference: ${ref}`,
      ),
    ),
  );
  // Acting as the person: Teams sign-in through the Bot Framework token service, then on-behalf-of.
  const signIn = config.userAuth
    ? new PersonSignIn({
        connectionName: config.userAuth.connectionName,
        exchanger:
          o.userTokenExchanger ?? new UserTokenExchanger({ ...config.userAuth.obo, clock }),
        store,
        clock,
        logger,
      })
    : undefined;
  if (!signIn && o.catalog.environments.some((e) => e.actAsUser?.deploy)) {
    logger.warn(
      'the catalog asks for deploys as the person (actAsUser), but CHATOPS_OAUTH_CONNECTION is not set: the bot identity deploys',
    );
  }
  return {
    adapter,
    bot: (b) =>
      new ChatOpsBot({
        signIn,
        tenantPolicy: new TenantPolicy(config.allowedTenants),
        registry: b.deps.registry,
        actions: CARD_ACTIONS,
        deps: b.deps,
        logger,
        metrics: b.metrics,
        signer: b.signer,
        rateLimiter:
          config.rateLimitPerMinute > 0
            ? new RateLimiter({
                perMinute: config.rateLimitPerMinute,
                burst: Math.max(1, Math.ceil(config.rateLimitPerMinute / 2)),
                clock,
              })
            : undefined,
        publisher: b.publisher,
        ...(b.ledger && { ledger: b.ledger }),
        onActivitySeen: async (context: TurnContext) => {
          const info = conversationInfoFromActivity(context.activity);
          if (info) await saveConversation(store, info);
        },
        onInstalled: async (context: TurnContext) => {
          const say = async (turn: TurnContext, reply: Reply) => {
            const { id } = conversationFromActivity(turn.activity);
            await b.publisher.publish(id, reply, { inTurn: turn });
          };
          await handleInstallation(context, { store, logger, say });
        },
      }),
  };
}
