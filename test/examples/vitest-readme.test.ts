import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

// The package smoke step runs the example file in an installed project; this keeps the README's copy equal to it.
it("the README's library example is examples/vitest/conformance.test.ts, doc comment aside", () => {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### In your own test runner'));
  const shown = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  const example = readFileSync(resolve(ROOT, 'examples/vitest/conformance.test.ts'), 'utf8');
  expect(shown).toBe(example.replace(/^\/\*\*[\s\S]*?\*\/\n/, ''));
});
