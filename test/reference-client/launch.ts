import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..');
const ENTRY = join(REPO, 'src', 'reference-client', 'main.ts');

/**
 * How `node` starts the reference client in tests: the arguments before the client's own.
 *
 * The client suites start the reference client once per scenario, hundreds of times in a test run.
 * Through tsx each start costs about 0.6 s of CPU (its loader transforms and resolves every module
 * anew); the same code bundled into one JavaScript file starts in about 0.1 s. So each test file
 * bundles the client once, with the esbuild that tsx itself runs on, and starts that bundle. The
 * child is still the real client over real stdio; only the loading differs. Should esbuild not be
 * importable, the client starts through tsx as before.
 */
export function referenceClientArgs(): Promise<string[]> {
  bundled ??= bundle().catch(() => undefined);
  return bundled.then((file) => (file === undefined ? ['--import', 'tsx', ENTRY] : [file]));
}

let bundled: Promise<string | undefined> | undefined;

async function bundle(): Promise<string> {
  const { build } = await import('esbuild');
  const dir = await mkdtemp(join(tmpdir(), 'aac-reference-client-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const outfile = join(dir, 'main.mjs');
  await build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node}`,
    logLevel: 'silent',
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  return outfile;
}
