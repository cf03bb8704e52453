/**
 * Bench child: the real bot (`startApp`) configured from the environment the benchmark passes,
 * in its own process so its CPU time and memory are measured apart from the load generator,
 * the emulator and the fake connector. Its store counts the calls made on it, so the benchmark
 * can say what a command costs in store reads and writes.
 */
import { loadConfig } from '../src/config/load-config';
import { startApp } from '../src/index';
import { createStore } from '../src/store/create-store';
import { failToParent, serveParent } from './child-ipc';
import { countingStore } from './counting-store';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const { store, calls } = countingStore(
    await createStore({
      kind: config.store.kind,
      sqlitePath: config.store.kind === 'sqlite' ? config.store.path : undefined,
      azureConnectionString:
        config.store.kind === 'azure' ? config.store.connectionString : undefined,
      auditRetentionDays: config.auditDays,
    }),
  );
  const app = await startApp(config, { store });
  serveParent(
    app.url,
    () => app.close(),
    () => ({ storeCalls: { ...calls } }),
  );
}

main().catch(failToParent);
