import { loadConfig, ConfigError, type AppConfig } from './config/load-config';
import { listenErrorMessage } from './startup/listen-error-message';
import { startApp, type RunningApp } from './startup/start-app';

export { startApp, type AppOverrides, type RunningApp } from './startup/start-app';

/** The port the Playground (`npm run playground`) talks to unless told otherwise. */
const DEFAULT_PORT = 3978;

/** `npm start`: read the environment, start, and shut down cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env, '.env');
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`digitre-chatops: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  let app: RunningApp;
  try {
    app = await startApp(config);
  } catch (err) {
    const listening = listenErrorMessage(err, config.host, config.port);
    process.stderr.write(
      `digitre-chatops: ${listening ?? `could not start: ${(err as Error).message}`}\n`,
    );
    process.exit(1);
  }
  // After listening (start-up loads nothing it does not need first), before the banner.
  try {
    await app.checkProject?.();
  } catch (err) {
    process.stderr.write(`digitre-chatops: could not start: ${(err as Error).message}\n`);
    await app.close();
    process.exit(1);
  }
  const lines = [
    `DigitRE ChatOps is listening on ${app.url}/api/messages`,
    app.emulator
      ? `Local mode: no ADO_ORG_URL, so an Azure DevOps emulator runs in-process at ${app.emulator.orgUrl}; every chat user holds every role.`
      : `Azure DevOps: ${config.ado!.orgUrl} (project ${config.ado!.project})`,
    config.bot.appId
      ? 'Bot Framework authentication: on'
      : 'Bot Framework authentication: off (loopback only)',
    `Try it in a browser: npm run playground${app.port === DEFAULT_PORT ? '' : ` -- --bot-endpoint ${app.url}/api/messages`}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = (signal: string) => {
    app.logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  void main();
}
