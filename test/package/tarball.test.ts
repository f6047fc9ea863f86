import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** What `npm pack` would put in the tarball, without building (prepack is skipped) or writing it. */
function packedFiles(): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return (JSON.parse(output) as [{ files: { path: string }[] }])[0].files.map((file) => file.path);
}

describe('the published tarball', () => {
  const files = packedFiles();

  it('leaves out reports, tests, benchmarks, CI and examples', () => {
    const unwanted = files.filter((path) => /^(reports|test|bench|\.ci|examples|src|suites|schemas)\//.test(path));
    expect(unwanted).toEqual([]);
  });

  it('ships every spec file the catalogue reads at run time', () => {
    const specDir = resolve(ROOT, 'spec');
    const data = [
      ...readdirSync(specDir).filter((name) => name.endsWith('.yaml')),
      ...readdirSync(resolve(specDir, 'requirements')).map((name) => `requirements/${name}`),
    ].map((name) => `spec/${name}`);
    expect(data.length).toBeGreaterThan(5);
    expect(files).toEqual(expect.arrayContaining([...data, 'bin/agent-auth-conformance.js', 'package.json']));
  });
});
