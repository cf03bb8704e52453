/**
 * The bot as its own process, like `npm start`, except for the bot's own outgoing Bot Framework
 * credential (TEST_BOT_TOKEN through botbuilder's credentials factory: MSAL cannot reach a local
 * login service). Everything else comes from the environment through loadConfig, so the
 * on-behalf-of exchange is @azure/identity's, over https, trusting NODE_EXTRA_CA_CERTS.
 * Run it with startBotProcess(env, { entry: 'test/security/support/bot-child.ts' }).
 */
import { loadConfig } from '../../../src/config/load-config';
import { startApp } from '../../../src/index';
import { staticBotCredentials } from './static-bot-credentials';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await startApp(config, {
    botCredentialsFactory: staticBotCredentials(
      config.bot.appId ?? '',
      process.env.TEST_BOT_TOKEN ?? '',
    ),
  });
  process.stdout.write(`DigitRE ChatOps is listening on ${app.url}/api/messages\n`);
  const stop = () => {
    void app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`bot-child: could not start: ${(err as Error).message}\n`);
  process.exit(1);
});
