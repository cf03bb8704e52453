import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder holding package.json and appPackage/, found by walking up from `start`, so the
 * packager works from `src/manifest/` (ts-node) and `dist/src/manifest/` (npm run package).
 * @example join(findPackageRoot(), 'appPackage', 'manifest.json')
 */
export function findPackageRoot(start: string = __dirname): string {
  let dir = start;
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'appPackage'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`cannot find the package root (package.json + appPackage/) above ${start}`);
}
