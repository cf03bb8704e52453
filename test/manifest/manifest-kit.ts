import { join } from 'node:path';
import { buildManifest, type BotCommand } from '../../src/manifest/build-manifest';
import { DEFAULT_COMMANDS } from '../../src/manifest/package-app';

/** Shared by the manifest tests: the repository root, a bot id, commands and a default build. */
export const ROOT = join(__dirname, '..', '..');
export const BOT_ID = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';

/** `n` distinct commands, `cmd0`…, to push the Teams limits. */
export const commands = (n: number): BotCommand[] =>
  Array.from({ length: n }, (_, i) => ({ title: `cmd${i}`, description: `does thing ${i}` }));

/** A manifest with the default commands, version 1.2.3 and one valid domain, plus `extra`. */
export function build(extra: Partial<Parameters<typeof buildManifest>[0]> = {}) {
  return buildManifest({
    botId: BOT_ID,
    commands: DEFAULT_COMMANDS,
    version: '1.2.3',
    validDomains: ['chatops.digitre.example'],
    ...extra,
  });
}
