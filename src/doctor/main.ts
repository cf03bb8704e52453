/**
 * `npm run doctor`: checks the configured Azure DevOps organization (ADO_ORG_URL, ADO_PROJECT,
 * ADO_PAT or Entra ID) against the catalog and prints a table; exit 0 only when every check
 * passes. With no ADO_ORG_URL it checks local mode: the emulator the bot would start.
 */
import { loadCatalog } from '../catalog/load-catalog';
import { ConfigError, loadConfig } from '../config/load-config';
import { startEmulator } from '../emulator/start-emulator';
import { formatDoctorTable } from './format-doctor-table';
import { runDoctor, type DoctorOptions } from './run-doctor';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(undefined, '.env'); // the process environment, as npm start reads it
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`doctor: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const catalog = loadCatalog(config.catalogPath);
  const common = { catalog, publicUrl: config.publicUrl, webhookSecret: config.webhookSecret };
  if (config.ado) {
    const auth: DoctorOptions['auth'] = config.ado.pat
      ? { pat: config.ado.pat }
      : { credential: new (await import('@azure/identity')).DefaultAzureCredential() };
    const { orgUrl, project } = config.ado;
    process.stdout.write(`Checking ${orgUrl} (project ${project})\n\n`);
    const checks = await runDoctor({ ...common, orgUrl, project, auth });
    process.stdout.write(`${formatDoctorTable(checks)}\n`);
    return checks.every((c) => c.ok) ? 0 : 1;
  }
  const emu = await startEmulator({
    catalog,
    taskMs: 1000,
    seed: true,
    serviceIdentityIsApprover: true,
  });
  try {
    process.stdout.write(
      `Local mode (no ADO_ORG_URL): checking the in-process emulator at ${emu.orgUrl}\n\n`,
    );
    const checks = await runDoctor({
      ...common,
      orgUrl: emu.orgUrl,
      project: emu.project,
      auth: { pat: emu.pat },
      localMode: true,
    });
    process.stdout.write(`${formatDoctorTable(checks)}\n`);
    return checks.every((c) => c.ok) ? 0 : 1;
  } finally {
    await emu.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`doctor: ${(err as Error).message}\n`);
    process.exit(2);
  },
);
