import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BotCommand, BotScope } from '../commands/command-menu';
import { findPackageRoot } from '../config/package-root';

// The menu's shapes belong to the command registry that fills them (manifest → commands only).
export type { BotCommand, BotScope };

export interface BuildManifestOptions {
  /** Microsoft App ID of the bot registration (a GUID). */
  botId: string;
  /**
   * One list for every scope, or a list per scope (each in registry order; the first 10 of a
   * list are kept).
   */
  commands: BotCommand[] | Partial<Record<BotScope, BotCommand[]>>;
  /** App version, `major.minor.patch`. Bump it for every upload. */
  version: string;
  /** Domains the app may open (the bot's own host, e.g. `chatops.digitre.example`). */
  validDomains: string[];
  /** Teams app id; defaults to the bot id (one app, one bot). */
  appId?: string;
  /** Entra app for SSO, when the bot signs users in. */
  webApplicationInfo?: { id: string; resource: string };
  /** Defaults to `appPackage/manifest.json` at the package root (the Agents Toolkit's template). */
  templatePath?: string;
}

/** The Teams manifest as built; `TeamsManifestV1D22` describes it in full. */
export interface TeamsAppManifestJson {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  bots: {
    botId: string;
    scopes: BotScope[];
    commandLists: { scopes: BotScope[]; commands: BotCommand[] }[];
    supportsFiles: boolean;
  }[];
  validDomains: string[];
  [key: string]: unknown;
}

/** Teams' own limits (stricter than the JSON schema, which allows 128/4000 characters). */
export const MANIFEST_LIMITS = {
  commandsPerList: 10,
  titleLength: 32,
  descriptionLength: 128,
  validDomains: 16,
} as const;

export const BOT_SCOPES: readonly BotScope[] = ['personal', 'team', 'groupChat'];

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Teams' command menu from the registry's commands: order kept, duplicates dropped, the first
 * 10 kept, descriptions cut to 128 characters. A title over 32 characters is a registry bug
 * (cutting it would change the command people send), so it throws.
 * @example manifestCommands([{ title: 'status', description: 'Every pipeline at a glance' }])
 */
export function manifestCommands(commands: BotCommand[]): BotCommand[] {
  const out: BotCommand[] = [];
  const seen = new Set<string>();
  for (const c of commands) {
    const title = c.title.trim();
    if (title.length === 0) throw new Error('a bot command needs a title');
    if (title.length > MANIFEST_LIMITS.titleLength) {
      throw new Error(
        `bot command title '${title}' is ${title.length} characters; Teams allows ${MANIFEST_LIMITS.titleLength}`,
      );
    }
    if (seen.has(title.toLowerCase())) continue;
    seen.add(title.toLowerCase());
    out.push({ title, description: truncate(c.description, MANIFEST_LIMITS.descriptionLength) });
    if (out.length === MANIFEST_LIMITS.commandsPerList) break;
  }
  return out;
}

/**
 * Fills the Agents Toolkit's `${{NAME}}` placeholders, so the Toolkit (`teamsApp/zipAppPackage`)
 * and `npm run package` read the same appPackage/manifest.json.
 */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{\{(\w+)\}\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`manifest template has an unknown field ${whole}`);
    // JSON.stringify gives a valid JSON string body for any value.
    return JSON.stringify(value).slice(1, -1);
  });
}

/**
 * The Teams app manifest (schema 1.22) for this bot.
 * @example
 *   const manifest = buildManifest({ botId, commands, version: '1.0.0', validDomains: ['chatops.digitre.example'] });
 */
export function buildManifest(options: BuildManifestOptions): TeamsAppManifestJson {
  const appId = options.appId ?? options.botId;
  if (!GUID.test(options.botId)) {
    throw new Error(
      `bot id '${options.botId}' is not a GUID: use the Microsoft App ID of the Azure Bot (MicrosoftAppId)`,
    );
  }
  if (!GUID.test(appId)) throw new Error(`app id '${appId}' is not a GUID`);
  if (!SEMVER.test(options.version)) {
    throw new Error(`version '${options.version}' must be major.minor.patch, e.g. 1.0.0`);
  }
  const path = options.templatePath ?? join(findPackageRoot(), 'appPackage', 'manifest.json');
  const manifest = JSON.parse(
    fill(readFileSync(path, 'utf8'), {
      TEAMS_APP_ID: appId,
      BOT_ID: options.botId,
      APP_VERSION: options.version,
    }),
  ) as TeamsAppManifestJson;

  const bot = manifest.bots[0];
  if (!bot) throw new Error(`${path} declares no bot`);
  bot.scopes = [...BOT_SCOPES];
  const perScope = Array.isArray(options.commands)
    ? Object.fromEntries(BOT_SCOPES.map((scope) => [scope, options.commands as BotCommand[]]))
    : options.commands;
  bot.commandLists = BOT_SCOPES.map((scope) => ({
    scopes: [scope],
    commands: manifestCommands(perScope[scope] ?? []),
  })).filter((list) => list.commands.length > 0);
  bot.supportsFiles = false;

  const domains = [...manifest.validDomains, ...options.validDomains]
    .map((d) =>
      d
        .trim()
        .replace(/^https?:\/\//, '')
        .replace(/\/.*$/, ''),
    )
    .filter((d) => d.length > 0);
  manifest.validDomains = [...new Set(domains)];
  if (manifest.validDomains.length > MANIFEST_LIMITS.validDomains) {
    throw new Error(`Teams allows ${MANIFEST_LIMITS.validDomains} valid domains`);
  }
  if (options.webApplicationInfo) {
    manifest['webApplicationInfo'] = { ...options.webApplicationInfo };
  }
  return manifest;
}
