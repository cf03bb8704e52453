import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpServer, type HttpServer } from '../../src/http/create-server';
import { createLogger } from '../../src/logging/create-logger';
import { createMetrics } from '../../src/metrics/metrics';
import { SlackChannel } from '../../src/slack/slack-channel';
import { createSlackReceiver, type SlackReceiver } from '../../src/slack/slack-receiver';
import { slackRoute } from '../../src/slack/slack-route';
import type { SlackTurn } from '../../src/slack/slack-turn';
import { SqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/store';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api';

export const SIGNING_SECRET = 'f3b1c2d4e5a6978812345678abcdef01';
export const BOT_TOKEN = 'xoxb-1-2-rigtoken';

export interface SlackRig {
  /** `http://127.0.0.1:<port>/slack/events` on our real restify server. */
  eventsUrl: string;
  slackApi: FakeSlackApi;
  store: Store;
  receiver: SlackReceiver;
  turns: SlackTurn[];
  /** Turns wait (after being recorded) until the returned function is called. */
  holdTurns(): () => void;
  close(): Promise<void>;
}

/**
 * Our restify server (the real one, body parser included) with the Slack route mounted, the real
 * Bolt behind it, a SQLite store for deduplication and the fake Slack Web API for auth.test and
 * users.info. Turns land in `turns`.
 */
export async function startSlackRig(): Promise<SlackRig> {
  const dir = mkdtempSync(join(tmpdir(), 'slack-'));
  const store = SqliteStore.open({ path: join(dir, 'chatops.db') });
  const slackApi = await startFakeSlackApi({
    token: BOT_TOKEN,
    users: { U0001: { name: 'Ada Lovelace', email: 'ada@digitre.ai' } },
  });
  const logger = createLogger({ level: 'silent' });
  const channel = new SlackChannel({ botToken: BOT_TOKEN, apiUrl: slackApi.url, logger });
  const turns: SlackTurn[] = [];
  let hold: Promise<void> = Promise.resolve();
  const receiver = createSlackReceiver({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    apiUrl: slackApi.url,
    store,
    logger,
    onTurn: async (turn) => {
      turns.push(turn);
      await hold;
    },
    // The real channel's users.info, against the fake.
    lookupPerson: (id) => channel.person(id),
  });
  const http: HttpServer = createHttpServer({
    // The Teams route is not exercised here.
    adapter: {} as never,
    bot: {} as never,
    logger,
    metrics: createMetrics(),
    maxBodyBytes: 256 * 1024,
    isReady: () => true,
    extraRoutes: (server) => slackRoute(server, receiver),
  });
  await new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', () => resolve()));
  const port = (http.server.server.address() as AddressInfo).port;
  return {
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    slackApi,
    store,
    receiver,
    turns,
    holdTurns() {
      let release!: () => void;
      hold = new Promise<void>((resolve) => (release = resolve));
      return release;
    },
    async close() {
      await receiver.idle();
      await http.close(1000);
      await slackApi.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
