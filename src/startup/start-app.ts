import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { CardSigner, signCardData } from '../actions/card-signer';
import { CatalogAuthorizer } from '../auth/authorizer';
import { createTeamsTransport, type TeamsTransportOptions } from '../bot/create-teams-transport';
import { replyToActivity } from '../bot/reply-to-activity';
import { TeamsChannel } from '../bot/teams-channel';
import { RoutedChannel } from '../publisher/routed-channel';
import { createAnnouncer } from '../notifications/announcer';
import { warmCards } from '../cards/render-card';
import { catalogIndex } from '../catalog/catalog-index';
import { loadCatalog } from '../catalog/load-catalog';
import { systemClock, type Clock } from '../clock/clock';
import type { CommandDeps } from '../commands/command-spec';
import type { Reply } from '../commands/reply';
import { createRegistry } from '../commands/create-registry';
import { type AppConfig } from '../config/load-config';
import { CachedDevOps } from '../devops/cached-devops';
import { MaskingDevOps } from '../devops/masking-devops';
import type { DevOpsPort } from '../devops/devops-port';
import type { DoctorDeps } from '../commands/handlers/doctor';
import type { Emulator } from '../emulator/start-emulator';
import { createHttpServer } from '../http/create-server';
import { createLogger, type Logger } from '../logging/create-logger';
import { createMetrics } from '../metrics/metrics';
import { startNotifications } from '../notifications/start-notifications';
import { connectDevOps } from './connect-devops';
import { DeliveryLedger } from '../core/delivery-ledger';
import { teamsIdsFor } from '../people/find-people';
import { warmUp } from './warm-up';
import { createStore } from '../store/create-store';
import type { Store } from '../store/store';

/** Largest `/api/messages` body: Teams activities are a few KB; cards posted back are bigger. */
const MAX_BODY_BYTES = 256 * 1024;

/** Replacements for tests; production passes none. */
export interface AppOverrides {
  logDestination?: DestinationStream;
  store?: Store;
  devops?: DevOpsPort;
  clock?: Clock;
  /** Local mode: how the in-process emulator runs (e.g. a fast taskMs in tests). */
  emulatorTaskMs?: number;
  /** How often the outbox retries what the channel would not take (default 15 s; tests shorter). */
  outboxIntervalMs?: number;
  /** How the bot gets its own outgoing token (botbuilder's extension point); default MSAL. */
  botCredentialsFactory?: TeamsTransportOptions['botCredentialsFactory'];
  /** The on-behalf-of exchange; default `@azure/identity` against `config.userAuth.obo`. */
  userTokenExchanger?: TeamsTransportOptions['userTokenExchanger'];
}

export interface RunningApp {
  /** http://host:port of the bot. */
  url: string;
  port: number;
  logger: Logger;
  /** Present in local mode. */
  emulator?: Emulator;
  store: Store;
  /** Graceful: stop accepting, finish in-flight turns, stop the emulator, close the store. */
  close(): Promise<void>;
  /** With a real organization: rejects when ADO_PROJECT does not exist there (npm start exits). */
  checkProject?: () => Promise<void>;
}

/**
 * The composition root: builds every object from one validated config and starts the server.
 * Nothing else constructs adapters or reads the environment.
 */
export async function startApp(
  config: AppConfig,
  overrides: AppOverrides = {},
): Promise<RunningApp> {
  const logger = createLogger({
    level: config.logLevel,
    secrets: config.secrets,
    destination: overrides.logDestination,
  });
  const clock = overrides.clock ?? systemClock;
  const catalog = loadCatalog(config.catalogPath);
  const store =
    overrides.store ??
    (await createStore({
      kind: config.store.kind,
      sqlitePath: config.store.kind === 'sqlite' ? config.store.path : undefined,
      azureConnectionString:
        config.store.kind === 'azure' ? config.store.connectionString : undefined,
      auditRetentionDays: config.auditDays,
      clock,
    }));
  const localMode = !config.ado;

  const ado = await connectDevOps(config, { catalog, clock, logger, overrides, store });
  // Free text sent to Azure DevOps (approval comments) is masked like everything else going out.
  const devops = new CachedDevOps(new MaskingDevOps(ado.devops, config.secrets), clock);
  const emulator = ado.emulator;
  const metrics = createMetrics();
  // Every card the bot sends is masked (configured secrets and pasted ones) where it is rendered.
  const toActivity = (reply: Reply) => replyToActivity(reply, config.secrets);

  // The Teams transport: adapter (every /api/messages request validated, a 401 otherwise),
  // turn-error answer, sign-in; its bot is built once notifications give it an outbox.
  const teams = createTeamsTransport({
    config,
    catalog,
    store,
    clock,
    logger,
    toActivity,
    ...(overrides.botCredentialsFactory && {
      botCredentialsFactory: overrides.botCredentialsFactory,
    }),
    ...(overrides.userTokenExchanger && { userTokenExchanger: overrides.userTokenExchanger }),
  });
  const { adapter } = teams;
  const signer = await CardSigner.load(store);
  // Slack (issue 19), only when configured; loaded here, so a Teams-only start never loads Bolt.
  const slack = config.slack
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('../slack/start-slack') as typeof import('../slack/start-slack')).startSlack({
        config: config.slack,
        store,
        logger,
        clock,
        secrets: config.secrets,
        rateLimitPerMinute: config.rateLimitPerMinute,
      })
    : undefined;
  const teamsChannel = new TeamsChannel({
    adapter,
    botAppId: config.bot.appId ?? '',
    store,
    secrets: config.secrets,
  });
  const notifications = startNotifications({
    // With Slack on, the one publisher reaches Slack conversations through Slack.
    channel: slack ? new RoutedChannel(teamsChannel, { slack: slack.channel }) : teamsChannel,
    store,
    devops,
    catalog,
    clock,
    logger,
    metrics,
    secret: config.webhookSecret,
    // Without hooks (no public URL to receive them) the poller keeps cards current.
    hooksEnabled: localMode || Boolean(config.publicUrl && config.webhookSecret),
    pollIntervalMs: config.poll.intervalMs,
    leaseMs: config.poll.leaseMs,
    ...((overrides.outboxIntervalMs ?? config.outboxIntervalMs) !== undefined && {
      outboxIntervalMs: overrides.outboxIntervalMs ?? config.outboxIntervalMs,
    }),
    sign: (data, conversationId) => signCardData(data, conversationId, signer),
    approverChatIds: (approval) => {
      const env = catalogIndex(catalog).environment(approval.environment);
      return teamsIdsFor(store, env?.approval?.approvers ?? [], { everyone: localMode });
    },
    sharedApprovalView: localMode ? 'approver' : 'viewer',
    onRunCompleted: (run) => {
      if (run.pipelineKey === catalog.models?.pipeline) devops.invalidateModels();
    },
  });

  const deps: CommandDeps & DoctorDeps = {
    catalog,
    devops,
    store,
    clock,
    authorizer: new CatalogAuthorizer(catalog, { localMode }),
    registry: createRegistry(),
    localMode,
    onRunQueued: (runId) => notifications.trackRun(runId),
    announce: createAnnouncer({ store, publisher: notifications.publisher, logger }),
    hooks: ado.hooks,
    doctor: ado.doctor,
    publicUrl: config.publicUrl,
    webhookSecret: config.webhookSecret,
    secrets: config.secrets,
  };
  // One ledger of done deliveries for every transport: one claim and one clean-stop mark per process.
  const ledger = new DeliveryLedger(store, logger);
  const bot = teams.bot({ deps, metrics, signer, publisher: notifications.publisher, ledger });
  const slackSide = slack?.attach({
    deps,
    signer,
    publisher: notifications.publisher,
    metrics,
    ledger,
  });

  let ready = false;
  const http = createHttpServer({
    adapter,
    bot,
    logger,
    metrics,
    maxBodyBytes: MAX_BODY_BYTES,
    isReady: () => ready,
    extraRoutes: (server) => {
      notifications.registerRoutes(server);
      slackSide?.route(server);
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      // restify re-emits the Node server's 'error'; with no listener of its own that would throw.
      http.server.once('error', reject);
      http.server.listen(config.port, config.host, () => {
        http.server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await notifications.stop();
    await emulator?.close();
    await store.close();
    throw err;
  }
  const { port } = http.server.server.address() as AddressInfo;
  const host = config.host.includes(':')
    ? `[${config.host}]`
    : config.host === '0.0.0.0'
      ? '127.0.0.1'
      : config.host;
  const url = `http://${host}:${port}`;
  // Local mode: the emulator tells the bot about runs the way Azure DevOps service hooks do.
  emulator?.hooks.add({ url: `${url}/api/ado-events` });
  ready = true;
  // What /readyz need not wait for loads now, a step per event-loop turn, so the first card and
  // the first Azure DevOps call do not wait for it either (docs/PERFORMANCE.md, start-up).
  warmUp([warmCards, () => ado.warm?.()], (err) => {
    logger.error({ err }, 'warming up after start failed; the first command will try again');
  });

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    logger,
    emulator,
    store,
    ...(ado.checkProject && { checkProject: ado.checkProject }),
    close() {
      closed ??= (async () => {
        ready = false;
        await http.close();
        await slackSide?.close();
        // A clean stop, recorded before the store closes: the next start is not taken for a crash.
        await ledger.close();
        await notifications.stop();
        await emulator?.close();
        await store.close();
        logger.flush?.();
      })();
      return closed;
    },
  };
}
