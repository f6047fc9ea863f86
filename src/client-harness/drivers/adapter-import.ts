/**
 * Imports an adapter module. From a checkout the harness runs under tsx, so a TypeScript adapter loads
 * as is; the published package runs as plain JavaScript, where Node (before type stripping) refuses a
 * .ts file. Then tsx, when the user has it installed, loads that one module: the package itself does
 * not depend on it, so installing the suite does not pull a compiler in.
 */
export async function importAdapter(url: string): Promise<{ default?: unknown }> {
  try {
    return (await import(url)) as { default?: unknown };
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    return importWithTsx(url, error as Error);
  }
}

type TsImport = (specifier: string, parentURL: string) => Promise<unknown>;

async function importWithTsx(url: string, refusal: Error): Promise<{ default?: unknown }> {
  // A variable specifier: tsx is optional, and neither tsc nor a bundler should resolve it here.
  const loader = 'tsx/esm/api';
  let tsImport: TsImport;
  try {
    ({ tsImport } = (await import(loader)) as { tsImport: TsImport });
  } catch {
    throw new Error(`${refusal.message} (install tsx next to the suite to load a TypeScript adapter, or compile it)`);
  }
  // Node keeps the failed import of `url` cached; tsImport loads it afresh, in its own namespace.
  return (await tsImport(url, import.meta.url)) as { default?: unknown };
}
