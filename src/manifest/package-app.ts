import { createRegistry } from '../commands/create-registry';
import { manifestCommandLists } from '../commands/command-menu';
import { loadConfig } from '../config/load-config';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import {
  buildManifest,
  type BotCommand,
  type BuildManifestOptions,
  type TeamsAppManifestJson,
} from './build-manifest';
import { findPackageRoot } from '../config/package-root';
import { validateManifest } from './validate-manifest';

/** Used by the bare CLI until the composition root passes the registry's own list. */
export const DEFAULT_COMMANDS: BotCommand[] = [
  { title: 'help', description: 'Every command, with usage and an example' },
  {
    title: 'status',
    description: 'Every pipeline, pending approvals, locks and the DEV environment',
  },
  { title: 'deploy', description: 'deploy <dev|qa|custom-qa|prod> [model v<N>] [branch <name>]' },
  { title: 'run', description: 'run <pipeline> [name=value ...]: queue a catalog pipeline' },
  { title: 'approve', description: 'approve <environment> [comment]' },
  { title: 'reject', description: 'reject <environment> [comment]' },
  { title: 'cancel', description: 'cancel <run id>' },
  { title: 'runs', description: 'runs [pipeline]: recent runs' },
  { title: 'models', description: 'Registered model versions, newest first' },
  { title: 'lock', description: 'lock <environment> <reason>; unlock <environment>' },
];

export interface PackageAppOptions extends Partial<Omit<BuildManifestOptions, 'botId'>> {
  botId: string;
  /** Where to write `digitre-chatops.zip`; defaults to `appPackage/build/` (as the Agents Toolkit). */
  outDir?: string;
  /** Validate against the bundled Teams schema first (default true). */
  validate?: boolean;
}

export interface PackagedApp {
  zipPath: string;
  manifest: TeamsAppManifestJson;
}

export const PACKAGE_FILE_NAME = 'digitre-chatops.zip';

/** A fixed timestamp for every entry: the same inputs give the same zip, byte for byte. */
const ZIP_MTIME = new Date('2024-01-01T00:00:00Z');

/**
 * Builds the Teams app package: manifest.json + color.png + outline.png in one zip, ready to
 * upload in Teams (Apps → Manage your apps → Upload an app) or the Developer Portal.
 * @example
 *   await packageApp({ botId: config.microsoftAppId, commands: registry.manifestCommands() });
 */
export async function packageApp(options: PackageAppOptions): Promise<PackagedApp> {
  const root = findPackageRoot();
  const manifestDir = join(root, 'appPackage');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const manifest = buildManifest({
    ...options,
    botId: options.botId,
    commands: options.commands ?? DEFAULT_COMMANDS,
    version: options.version ?? pkg.version,
    validDomains: options.validDomains ?? [],
  });
  if (options.validate ?? true) {
    const errors = await validateManifest(manifest);
    if (errors.length > 0) {
      throw new Error(`the Teams manifest does not match its schema:\n  ${errors.join('\n  ')}`);
    }
  }
  const outDir = options.outDir ?? join(manifestDir, 'build');
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, PACKAGE_FILE_NAME);
  const zip = zipSync(
    {
      'manifest.json': strToU8(`${JSON.stringify(manifest, null, 2)}\n`),
      // PNGs are compressed already: store them as they are.
      'color.png': [readFileSync(join(manifestDir, 'color.png')), { level: 0 }],
      'outline.png': [readFileSync(join(manifestDir, 'outline.png')), { level: 0 }],
    },
    { level: 9, mtime: ZIP_MTIME },
  );
  writeFileSync(zipPath, zip);
  return { zipPath, manifest };
}

/**
 * Teams SSO for a bot: the app registration that Teams asks for a token silently, and the
 * Application ID URI the Azure Bot OAuth connection's "Token Exchange URL" must equal.
 * @example ssoWebApplicationInfo('00000000-0000-0000-0000-000000000001')
 */
export function ssoWebApplicationInfo(appId: string): { id: string; resource: string } {
  return { id: appId, resource: `api://botid-${appId}` };
}

interface PackageArgs {
  botId?: string;
  version?: string;
  validDomains: string[];
  /** `--sso`: declare Teams SSO (`webApplicationInfo`), as acting as the person needs. */
  sso?: boolean;
}

/** `--bot-id <id>` / `--bot-id=<id>` (and `--version`, `--domain`, repeatable, `--sso`) from argv. */
export function parsePackageArgs(argv: string[]): PackageArgs {
  const out: PackageArgs = { validDomains: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const take = (): string | undefined => inline ?? argv[++i];
    if (flag === '--bot-id') out.botId = take();
    else if (flag === '--version') out.version = take();
    else if (flag === '--sso') out.sso = true;
    else if (flag === '--domain') {
      const d = take();
      if (d) out.validDomains.push(d);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = parsePackageArgs(process.argv.slice(2));
  // The bot id comes from the command line, or the same MicrosoftAppId the bot runs with; a bot
  // configured to act as the person (CHATOPS_OAUTH_CONNECTION) needs Teams SSO in its manifest.
  const config = loadConfig(process.env, '.env');
  args.botId ??= config.bot.appId;
  const sso = args.sso ?? Boolean(config.userAuth);
  if (!args.botId) {
    console.error(
      'usage: npm run package -- --bot-id <Microsoft App ID> [--domain <bot host>] [--version x.y.z] [--sso] (or set MicrosoftAppId)',
    );
    process.exitCode = 2;
    return;
  }
  const { zipPath, manifest } = await packageApp({
    botId: args.botId,
    commands: manifestCommandLists(createRegistry()),
    version: args.version,
    validDomains: args.validDomains,
    webApplicationInfo: sso ? ssoWebApplicationInfo(args.botId) : undefined,
  });
  console.log(
    `wrote ${zipPath} (Teams manifest ${manifest.manifestVersion}, v${manifest.version}${sso ? ', Teams SSO' : ''})`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
