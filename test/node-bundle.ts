import { rmSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * How a test starts a TypeScript program in a child `node`: the arguments before the program's own.
 *
 * Tests start some programs (the reference client, fixture clients) once per scenario, hundreds of
 * times in a test run. Through tsx each start costs about 0.6 s of CPU (its loader transforms and
 * resolves every module anew); the same code bundled into one JavaScript file starts in about 0.1 s.
 * So each test file bundles a program once, with the esbuild that tsx itself runs on, and starts the
 * bundle. The child is still the real program over its real stdio; only the loading differs. Should
 * esbuild not be importable, or the bundling fail, the program starts through tsx as before.
 */
export function nodeArgsFor(entry: string): Promise<string[]> {
  let bundled = bundles.get(entry);
  if (bundled === undefined) {
    bundled = bundle(entry).catch(() => undefined);
    bundles.set(entry, bundled);
  }
  return bundled.then((file) => (file === undefined ? ['--import', TSX_LOADER, entry] : [file]));
}

/** The tsx loader by URL, so the fallback works from any working directory. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const bundles = new Map<string, Promise<string | undefined>>();

const BUNDLE_ROOT = fileURLToPath(new URL('../.tmp/bundles/', import.meta.url));

async function bundle(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  // Inside the checkout (under the ignored .tmp/), not the system's temporary directory: the bundled
  // code finds its package.json and spec/ data by walking up from where it runs (src/package-files.ts).
  await mkdir(BUNDLE_ROOT, { recursive: true });
  const dir = await mkdtemp(join(BUNDLE_ROOT, 'bundle-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const outfile = join(dir, `${basename(entry, '.ts')}.mjs`);
  await build({
    entryPoints: [entry],
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
