#!/usr/bin/env node
// The installed package runs the compiled CLI. A checkout that was never built (no dist/) runs the
// TypeScript sources through tsx, a development dependency, so `npx agent-auth-conformance` works there too.
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/cli/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
