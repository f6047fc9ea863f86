import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files of this package (its package.json, the spec/ data) located from this module, not from the
 * working directory. The module runs from three places at different depths: src/ under tsx in a
 * checkout, dist/src/ after the build, and the same inside an installed node_modules/ copy; so the
 * root is the nearest directory up that holds this package's own package.json.
 */
const PACKAGE_NAME = 'agent-auth-conformance';

interface PackageManifest {
  name: string;
  version: string;
}

function findPackageRoot(): { root: string; manifest: PackageManifest } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as PackageManifest;
      if (manifest.name === PACKAGE_NAME) return { root: dir, manifest };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package.json of ${PACKAGE_NAME} above ${import.meta.url}`);
    dir = parent;
  }
}

const found = findPackageRoot();

/** Name and version as package.json states them (reports and MCP handshakes name the tool by them). */
export const packageInfo: Readonly<PackageManifest> = { name: found.manifest.name, version: found.manifest.version };

/** Absolute path of a file or directory under the package's spec/ directory. */
export function specPath(...segments: string[]): string {
  return join(found.root, 'spec', ...segments);
}
