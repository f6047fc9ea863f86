#!/usr/bin/env node
// The installed package runs the compiled CLI (dist/). A checkout runs its TypeScript sources through
// tsx, a development dependency, so that `npx agent-auth-conformance` there always runs the code as
// it is now, never a dist/ left behind by an earlier `npm pack`. Where tsx is absent (a checkout
// installed without development dependencies, as the GitHub Action does after building), dist/ runs.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../dist/src/cli/main.js', import.meta.url);

async function tsxRegister() {
  try {
    return (await import('tsx/esm/api')).register;
  } catch {
    return undefined;
  }
}

const register = existsSync(sources) ? await tsxRegister() : undefined;
if (register !== undefined) {
  register();
  await import(sources.href);
} else {
  await import(built.href);
}
