/**
 * `npm run emulator [catalog.yaml] [port]`: a local Azure DevOps organization for the bot.
 * Prints `ADO_ORG_URL=...` and `ADO_PAT=...` (one per line) and runs until SIGINT/SIGTERM.
 */
import { loadCatalog } from '../catalog/load-catalog';
import { startEmulator } from './start-emulator';

async function main(argv: string[]): Promise<void> {
  const catalogPath = argv[2] ?? 'config/digitre.yaml';
  const port = argv[3] !== undefined ? Number(argv[3]) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`port must be an integer 0-65535, got "${argv[3] ?? ''}"`);
  }
  const emu = await startEmulator({
    catalog: loadCatalog(catalogPath),
    port,
    serviceIdentityIsApprover: true,
  });
  process.stdout.write(`ADO_ORG_URL=${emu.orgUrl}\nADO_PAT=${emu.pat}\n`);
  process.stderr.write(
    `Azure DevOps emulator: project ${emu.project}, catalog ${catalogPath}. Ctrl-C stops it.\n`,
  );
  const stop = (): void => {
    void emu.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`emulator: ${(err as Error).message}\n`);
  process.exit(1);
});
