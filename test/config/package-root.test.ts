import { join } from 'node:path';
import { findPackageRoot } from '../../src/config/package-root';

const ROOT = join(__dirname, '..', '..');

describe('findPackageRoot', () => {
  it('finds the package root from the build output folder', () => {
    expect(findPackageRoot(join(ROOT, 'dist', 'src', 'manifest'))).toBe(ROOT);
  });
});
