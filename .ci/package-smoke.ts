/**
 * The package as a user gets it: packs the tarball (prepack builds dist/), installs it into an empty
 * project, and from there runs the installed CLI and compiles a consumer of the library's types.
 * Run by .ci/run after the tests; about half a minute, most of it the full embedded suite.
 *
 *   npx tsx .ci/package-smoke.ts
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const repo = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'aac-package-'));
const project = join(work, 'project');
const bin = join(project, 'node_modules', '.bin', 'agent-auth-conformance');

const started = performance.now();

function step(title: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`package smoke: ${seconds} s: ${title}\n`);
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The version of a package the repository has installed. */
function installed(name: string): string {
  return (JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;
}

function timed(action: () => unknown): number {
  const start = performance.now();
  action();
  return performance.now() - start;
}

/** The CLI's `simulate` until it says where it listens; answers discovery there, then stops on SIGTERM. */
async function simulateAndDiscover(): Promise<void> {
  const child = spawn(bin, ['simulate'], { cwd: project, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((found, failed) => {
      const timer = setTimeout(() => failed(new Error('simulate printed no "listening <url>" within 20 s')), 20_000);
      child.once('exit', (code) => failed(new Error(`simulate exited (${code}) before listening`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        const match = /^listening (\S+)$/.exec(line);
        if (match?.[1]) {
          clearTimeout(timer);
          found(match[1]);
        }
      });
    });
    const response = await fetch(`${url}/.well-known/agent-configuration`);
    const body = (await response.json()) as { issuer?: unknown };
    if (response.status !== 200 || body.issuer !== url)
      throw new Error(`discovery at ${url} answered ${response.status} with issuer ${String(body.issuer)}`);
  } finally {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Relative imports of the shipped declarations that name no shipped file. skipLibCheck would let such
 * an import turn the types behind it into `any` without a word; tsc itself checked the rest at build.
 * Declarations keep the sources' .ts specifiers, which TypeScript resolves to the .d.ts beside them.
 */
function unresolvedDeclarationImports(): string[] {
  const dist = join(project, 'node_modules', 'agent-auth-conformance', 'dist');
  const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.d.ts'));
  return files.flatMap((file) => {
    const text = readFileSync(join(dist, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:from |import\()'(\.{1,2}\/[^']+)'/g)].map((match) => match[1] as string);
    return specifiers
      .filter((specifier) => !existsSync(join(dist, dirname(file), specifier.replace(/\.(js|ts)$/, '.d.ts'))))
      .map((specifier) => `${file} → ${specifier}`);
  });
}

/** A consumer as the README shows it, compiled against the installed declarations only. */
function compileConsumer(): void {
  writeFileSync(
    join(project, 'consumer.ts'),
    [
      "import { runServerSuite, startSimulator, type Report, type ServerSuiteOptions } from 'agent-auth-conformance';",
      'const simulator = await startSimulator();',
      "const options: ServerSuiteOptions = { url: simulator.url, controlUrl: simulator.controlUrl, only: ['server.discovery.*'] };",
      'const report: Report = await runServerSuite(options);',
      'const failed: number = report.summary.counts.failed;',
      'await simulator.close();',
      'export { failed };',
      '',
    ].join('\n'),
  );
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  run(
    process.execPath,
    // skipLibCheck: checking every dependency's declarations takes 15 s; ours are checked by the walk below.
    [
      tsc,
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--module',
      'nodenext',
      '--target',
      'es2022',
      '--types',
      'node',
      'consumer.ts',
    ],
    project,
  );
}

try {
  step('npm pack');
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], repo)) as [
    { filename: string; files: { path: string }[] },
  ];
  const tarball = join(work, packed[0].filename);
  // test/package/tarball.test.ts checks the list without a build; only a real pack holds dist/.
  const shipped = new Set(packed[0].files.map((file) => file.path));
  const built = ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js'].filter(
    (path) => !shipped.has(path),
  );
  if (built.length > 0) throw new Error(`the tarball lacks ${built.join(', ')}`);

  step('install into an empty project');
  run('mkdir', ['-p', project], work);
  // The repository's own overrides, so that the test runner comes from the cache `npm ci` warmed.
  const { overrides } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { overrides?: object };
  const consumer = { name: 'consumer', private: true, type: 'module', overrides };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(consumer, null, 2)}\n`);
  // @types/node and vitest only for the consumer's own checks, as a TypeScript user would have them.
  run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      tarball,
      `@types/node@${installed('@types/node')}`,
      `vitest@${installed('vitest')}`,
    ],
    project,
  );

  step('agent-auth-conformance --help, best of five');
  const best = Math.min(...[1, 2, 3, 4, 5].map(() => timed(() => run(bin, ['--help'], project))));
  // The installed CLI must not load the suites for --help (npx itself adds about 0.25 s on top).
  if (best > 300) throw new Error(`--help took ${best.toFixed(0)} ms at best (budget 300 ms)`);
  step(`--help in ${best.toFixed(0)} ms`);

  step('npx agent-auth-conformance server --embedded');
  run('npx', ['agent-auth-conformance', 'server', '--embedded', '--quiet', '--out', join(work, 'reports')], project);

  step('npx agent-auth-conformance simulate, then discovery');
  await simulateAndDiscover();

  step('tsc on a consumer of the declarations');
  compileConsumer();

  const unresolved = unresolvedDeclarationImports();
  if (unresolved.length > 0) throw new Error(`shipped declarations import missing files:\n${unresolved.join('\n')}`);

  step("the README's Vitest example (examples/vitest), run in the consumer project");
  copyFileSync(join(repo, 'examples', 'vitest', 'conformance.test.ts'), join(project, 'conformance.test.ts'));
  run('npx', ['vitest', 'run', 'conformance.test.ts'], project);
  step('ok');
} finally {
  rmSync(work, { recursive: true, force: true });
}
