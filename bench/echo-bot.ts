/**
 * Bench child: the floor. A bare botbuilder echo bot on the same stack as the real one (restify 11
 * with the same body parsing, CloudAdapter without app id) that replies to each message with its
 * text. Whatever the real bot spends beyond this is ours.
 */
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'restify';
import { restify } from '../src/http/load-restify';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import { failToParent, serveParent } from './child-ipc';

async function main(): Promise<void> {
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication(
      {} as ConfigurationBotFrameworkAuthenticationOptions,
    ),
  );
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
    await next();
  });
  const server = restify.createServer({ name: 'echo', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(
    restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false, mapFiles: false }),
  );
  server.post('/api/messages', async (req: Request, res: Response) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  server.get('/readyz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ready' });
  });
  const port = Number(process.env.PORT ?? 0);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const { port: bound } = server.server.address() as AddressInfo;
  serveParent(
    `http://127.0.0.1:${bound}`,
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  );
}

main().catch(failToParent);
