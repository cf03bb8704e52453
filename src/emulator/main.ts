/**
 * `npm run emulator [catalog.yaml] [port]`: a local Azure DevOps organization for the bot.
 * Prints `ADO_ORG_URL=...` and `ADO_PAT=...` (one per line) and runs until SIGINT/SIGTERM.
 * As a service of its own (compose.yaml), `--host 0.0.0.0 --pat <pat> --org-url <url>` fix
 * where it listens, the PAT and the organization URL the bots are given.
 */
import { loadCatalog } from '../catalog/load-catalog';
import { startEmulator } from './start-emulator';

/** `--name value` options out of argv; what is left are the positional arguments. */
function takeOptions(argv: string[]): { positional: string[]; options: Map<string, string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('--')) options.set(arg.slice(2), argv[++i] ?? '');
    else positional.push(arg);
  }
  return { positional, options };
}

async function main(rawArgv: string[]): Promise<void> {
  const { positional: argv, options } = takeOptions(rawArgv);
  const catalogPath = argv[2] ?? 'config/digitre.yaml';
  const port = argv[3] !== undefined ? Number(argv[3]) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`port must be an integer 0-65535, got "${argv[3] ?? ''}"`);
  }
  const emu = await startEmulator({
    catalog: loadCatalog(catalogPath),
    port,
    serviceIdentityIsApprover: true,
    host: options.get('host') || undefined,
    pat: options.get('pat') || undefined,
    publicOrgUrl: options.get('org-url') || undefined,
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
