import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import type { TeamsAppManifestJson } from './build-manifest';

type ValidateArgs = Parameters<typeof AppManifestUtils.validateAgainstSchema>;

/**
 * Validates a manifest offline against the Teams schema bundled in `@microsoft/app-manifest`
 * (a dev dependency: packaging is a build step and the server never imports this). The schema
 * is read from the package's own folder and handed over, so the library never falls back to
 * fetching it from the internet.
 * @example const errors = await validateManifest(manifest); // [] when valid
 */
export async function validateManifest(manifest: TeamsAppManifestJson): Promise<string[]> {
  const match = /\/teams\/(v[\d.]+|vDevPreview)\/MicrosoftTeams\.schema\.json$/.exec(
    manifest.$schema,
  );
  if (!match?.[1]) throw new Error(`unexpected manifest $schema ${manifest.$schema}`);
  const schemaFile = join(
    dirname(require.resolve('@microsoft/app-manifest')),
    'json-schemas',
    'teams',
    match[1],
    'MicrosoftTeams.schema.json',
  );
  // The published schemas contain `\a` and `\v` escapes that JSON.parse rejects; the library
  // rewrites them the same way when it loads a schema itself.
  const raw = readFileSync(schemaFile, 'utf8')
    .replace(/\\a/g, '\\u0007')
    .replace(/\\v/g, '\\u000b');
  const schema = JSON.parse(raw) as ValidateArgs[1];
  return AppManifestUtils.validateAgainstSchema(manifest as unknown as ValidateArgs[0], schema);
}
