/**
 * Imports an adapter module. From a checkout the harness runs under tsx, so a TypeScript adapter loads
 * as is; the published package runs as plain JavaScript, where Node (before type stripping) refuses a
 * .ts file. Then tsx, when the user has it installed, is registered on demand: the package itself
 * does not depend on it, so installing the suite does not pull a compiler in.
 */
export async function importAdapter(url: string): Promise<{ default?: unknown }> {
  try {
    return (await import(url)) as { default?: unknown };
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    await registerTsx(error as Error);
    return (await import(url)) as { default?: unknown };
  }
}

async function registerTsx(refusal: Error): Promise<void> {
  // A variable specifier: tsx is optional, and neither tsc nor a bundler should resolve it here.
  const loader = 'tsx/esm/api';
  let api: { register: () => unknown };
  try {
    api = (await import(loader)) as { register: () => unknown };
  } catch {
    throw new Error(`${refusal.message} (install tsx next to the suite to load a TypeScript adapter, or compile it)`);
  }
  api.register();
}
