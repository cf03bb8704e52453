/**
 * Bench child: the real bot (`startApp`) configured from the environment the benchmark passes,
 * in its own process so its CPU time and memory are measured apart from the load generator,
 * the emulator and the fake connector.
 */
import { loadConfig } from '../src/config/load-config';
import { startApp } from '../src/index';
import { failToParent, serveParent } from './child-ipc';

async function main(): Promise<void> {
  const app = await startApp(loadConfig(process.env));
  serveParent(app.url, () => app.close());
}

main().catch(failToParent);
