import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type AppConfig } from '../../src/config/load-config';
import { startApp, type AppOverrides, type RunningApp } from '../../src/index';
import { startFakeConnector, type FakeConnector } from './fake-connector';

export interface TestApp {
  app: RunningApp;
  connector: FakeConnector;
  /** Every log line the bot wrote, for assertions (e.g. no secret leaked). */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The real server on 127.0.0.1 port 0 (memory store, in-process emulator unless the env says
 * otherwise) and a fake channel connector to catch its replies.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
): Promise<TestApp> {
  const connector = await startFakeConnector();
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const config: AppConfig = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    CHATOPS_STORE: 'memory',
    CHATOPS_CATALOG: join(__dirname, '../../config/digitre.yaml'),
    LOG_LEVEL: 'info',
    ...env,
  });
  const app = await startApp(config, { logDestination, emulatorTaskMs: 15, ...overrides });
  return {
    app,
    connector,
    logs,
    async close() {
      await app.close();
      await connector.close();
    },
  };
}
